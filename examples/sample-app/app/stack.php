<?php
// Body of /stack: one line per related service, each "<name> OK" or "<name> FAIL <reason>".
declare(strict_types=1);

$env = sample_env();
$checks = [
    'database' => static function () use ($db): string {
        return (string) $db->query('SELECT COUNT(*) FROM setup_module')->fetchColumn() . ' module(s)';
    },
    'redis' => static function () use ($env): string {
        $options = $env['cache']['frontend']['default']['backend_options'];
        $redis = new Redis();
        $redis->connect($options['server'], (int) $options['port'], 2.0);
        $redis->auth($options['password']);
        $redis->select((int) $options['database']);
        $redis->set('sample:stack', sample_release());
        return (string) $redis->get('sample:stack');
    },
    'opensearch' => static function () use ($env): string {
        $system = $env['system']['default']['catalog']['search'];
        $url = sprintf('http://%s:%s/_cluster/health', $system['opensearch_server_hostname'], $system['opensearch_server_port']);
        $health = json_decode((string) file_get_contents($url, false, stream_context_create(['http' => ['timeout' => 2]])), true);
        return 'status ' . ($health['status'] ?? 'unknown');
    },
];
foreach ($checks as $name => $check) {
    try {
        printf("%s OK %s\n", $name, $check());
    } catch (Throwable $error) {
        printf("%s FAIL %s\n", $name, $error->getMessage());
    }
}
