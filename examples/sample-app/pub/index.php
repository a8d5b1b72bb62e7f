<?php
// Front controller: "/" reports the versions of two code files of this release, "/stack" talks to
// every service the app is related to.
declare(strict_types=1);

require dirname(__DIR__) . '/app/bootstrap.php';
require BP . '/app/code/Sample/Model/Greeting.php';

header('Content-Type: text/plain');
header('Cache-Control: no-store, private');

if (is_file(sample_maintenance_flag())) {
    http_response_code(503);
    echo "Service Unavailable: the store is in maintenance mode\n";
    return;
}
$db = sample_db();
$schemaError = sample_schema_error($db);
if ($schemaError !== null) {
    http_response_code(503);
    echo "There has been an error processing your request. $schemaError\n";
    return;
}

$path = parse_url($_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH);
if ($path === '/stack') {
    require BP . '/app/stack.php';
    return;
}
$a = include BP . '/app/code/Sample/Version/A.php';
$b = include BP . '/app/code/Sample/Version/B.php';
printf("a=%s b=%s release=%s\n%s\n", $a, $b, sample_release(), (new Sample\Model\Greeting())->text());
