<?php
// Copyright: magecloud.platform contributors
// GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
// The page of the TLS-between-tiers benchmark, copied into the sample app's pub/: what an uncached Magento page asks
// of the backing services, with the app's clients, which read env.php as Magento's do (the TLS and persistent
// settings included): one MariaDB connection and query, one read from each of the cache and session Redis
// instances, and one search request.
// Prints what each connection was, so a run can tell that the side it measures is the one it meant, and the
// milliseconds each tier took.
declare(strict_types=1);

require dirname(__DIR__) . '/app/bootstrap.php';
$env = sample_env();

$ms = [];
$started = hrtime(true);
$cipher = (string) sample_db()->query("SHOW SESSION STATUS LIKE 'Ssl_cipher'")->fetchColumn(1);
$ms['db'] = (hrtime(true) - $started) / 1e6;

$cache = $env['cache']['frontend']['default']['backend_options'];
$session = $env['session']['redis'];
$redisTiers = [
    'cache' => [$cache['server'], $cache['port'], $cache['password'], $cache['database'], $cache['persistent'] ?? ''],
    'session' => [$session['host'], $session['port'], $session['password'], $session['database'],
        $session['persistent_identifier'] ?? ''],
];
foreach ($redisTiers as $tier => [$server, $port, $password, $database, $persistentId]) {
    $started = hrtime(true);
    sample_redis($server, (int) $port, $password, (int) $database, (string) $persistentId)->get('bench:tiers');
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
