<?php
// A cacheable page tagged like a Magento category page; max-age 1 so grace can be observed.
header('Content-Type: text/html; charset=UTF-8');
header('Cache-Control: public, max-age=' . (int)($_GET['ttl'] ?? 300));
header('X-Magento-Tags: cat_c_7,cat_p_' . (int)($_GET['p'] ?? 1));
printf("<html><body>generated %s by %d</body></html>\n", microtime(true), getmypid());
