<?php
// Stands in for Magento's pub/health_check.php: 200 when PHP runs.
header('Content-Type: text/plain');
echo "ok\n";
