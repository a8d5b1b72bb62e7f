<?php
// A page shaped like a light Magento request: many small classes to load, then a wait on a
// backend (database/cache round trip), then output. ?cache=1 makes it cacheable for Varnish.
spl_autoload_register(function ($class) {
    require __DIR__ . '/bench-lib/' . $class . '.php';
});
$total = 0;
for ($i = 0; $i < 300; $i++) {
    $class = "BenchClass$i";
    $total += (new $class())->value();
}
usleep(5000);
header('Cache-Control: ' . (isset($_GET['cache']) ? 'public, max-age=600' : 'no-store'));
header('X-Magento-Tags: bench');
echo "total $total\n";
