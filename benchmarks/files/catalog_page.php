<?php
// The size of an uncached Magento category page (about 200 KB of HTML) for almost no PHP work:
// what the WAF costs on a response body shows on its own.
header('Content-Type: text/html; charset=UTF-8');
header('Cache-Control: no-store');
echo "<!doctype html>\n<html><head><title>Dresses</title></head><body><ol class=\"products list items\">\n";
for ($i = 0; $i < 1500; $i++) {
    echo "<li class=\"item product\"><a class=\"product-item-link\" href=\"/dress-$i.html\">Summer dress $i</a>"
        . "<span class=\"price\">\$" . (19 + $i % 80) . ".00</span></li>\n";
}
echo "</ol></body></html>\n";
