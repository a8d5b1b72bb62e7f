<?php
// Copyright: magecloud.platform contributors
// GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
// The page of the TLS-between-tiers benchmark: what an uncached Magento page asks of the backing services, with
// env.php's settings (the TLS ones included) and on new connections, as Magento opens them per request (no
// persistent MySQL connection; Cm_Cache's Redis client is not persistent by default): one MariaDB connection
// and query, one read from each of the cache and session Redis instances, and one search request.
// Prints what each connection was, so a run can tell that the side it measures is the one it meant, and the
// milliseconds each tier took.
declare(strict_types=1);

$env = include '/var/www/magento/shared/app/etc/env.php';

$ms = [];
$started = hrtime(true);
$db = $env['db']['connection']['default'];
$pdo = new PDO("mysql:host={$db['host']};dbname={$db['dbname']}", $db['username'], $db['password'], $db['driver_options'] ?? []);
$cipher = (string) $pdo->query("SHOW SESSION STATUS LIKE 'Ssl_cipher'")->fetchColumn(1);
$pdo = null;
$ms['db'] = (hrtime(true) - $started) / 1e6;

$cache = $env['cache']['frontend']['default']['backend_options'];
$session = $env['session']['redis'];
foreach (['cache' => [$cache['server'], $cache['port'], $cache['password']], 'session' => [$session['host'], $session['port'], $session['password']]] as $tier => [$server, $port, $password]) {
    $started = hrtime(true);
    $redis = new Redis();
    $redis->connect($server, (int) $port, 2.0);
    $redis->auth($password);
    $redis->get('bench:tiers');
    $redis->close();
    $ms[$tier] = (hrtime(true) - $started) / 1e6;
}

$started = hrtime(true);
$search = $env['system']['default']['catalog']['search'];
$host = $search['opensearch_server_hostname'];
$base = sprintf('%s:%s', str_contains($host, '://') ? $host : "http://$host", $search['opensearch_server_port']);
$curl = curl_init($base . '/' . ($search['opensearch_index_prefix'] ?? 'magento2') . '*/_search?size=1');
curl_setopt_array($curl, [CURLOPT_RETURNTRANSFER => true, CURLOPT_TIMEOUT => 2]);
if (!empty($search['opensearch_enable_auth'])) {
    curl_setopt($curl, CURLOPT_USERPWD, $search['opensearch_username'] . ':' . $search['opensearch_password']);
}
curl_exec($curl);
$status = curl_getinfo($curl, CURLINFO_RESPONSE_CODE);
$ms['search'] = (hrtime(true) - $started) / 1e6;
if ($status !== 200) {
    http_response_code(502);
}
printf("database cipher=%s redis=%s search=%s status=%d ms %s\n", $cipher ?: 'none', $cache['server'], $base, $status,
    implode(' ', array_map(static fn (string $tier, float $spent): string => sprintf('%s=%.2f', $tier, $spent), array_keys($ms), $ms)));
