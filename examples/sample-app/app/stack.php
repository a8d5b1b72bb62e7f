<?php
// Body of /stack: one line per related service, each "<name> OK" or "<name> FAIL <reason>". Each
// check reads the settings Magento reads from env.php, TLS ones included; the CA the deploy names is also in
// the system's trusted certificates, which PHP's streams check the services' certificates against.
declare(strict_types=1);

$env = sample_env();
$checks = [
    'database' => static function () use ($db): string {
        return (string) $db->query('SELECT COUNT(*) FROM setup_module')->fetchColumn() . ' module(s)';
    },
    'redis' => static function () use ($env): string {
        $options = $env['cache']['frontend']['default']['backend_options'];
        $redis = sample_redis($options['server'], (int) $options['port'], $options['password'], (int) $options['database'],
            (string) ($options['persistent'] ?? ''));
        $redis->set('sample:stack', sample_release());
        return (string) $redis->get('sample:stack');
    },
    'rabbitmq' => static function () use ($env): string {
        $amqp = $env['queue']['amqp'];
        $tls = sample_amqp_tls($amqp);
        // As Magento's AMQP library does: a PHP stream, which checks the certificate against the CA and the
        // address it was reached at; the broker must answer the protocol header with its first frame.
        $address = sprintf('%s://%s:%d', $tls ? 'tls' : 'tcp', $amqp['host'], $amqp['port']);
        $context = stream_context_create(['ssl' => $tls ? $amqp['ssl_options'] : []]);
        $stream = stream_socket_client($address, $errno, $error, 2.0, STREAM_CLIENT_CONNECT, $context);
        if ($stream === false) {
            throw new RuntimeException("$address: $error");
        }
        fwrite($stream, "AMQP\x00\x00\x09\x01");
        $frameType = fread($stream, 1);
        fclose($stream);
        if ($frameType !== "\x01") {
            throw new RuntimeException("$address did not answer as an AMQP 0-9-1 broker");
        }
        // Then the login of env.php on its vhost.
        $connection = new AMQPConnection(['host' => $amqp['host'], 'port' => (int) $amqp['port'], 'login' => $amqp['user'],
            'password' => $amqp['password'], 'vhost' => $amqp['virtualhost']] + sample_amqp_tls_credentials($amqp));
        $connection->connect();
        $connection->disconnect();
        return $tls ? 'over TLS' : 'plain';
    },
    'opensearch' => static function () use ($env): string {
        $system = $env['system']['default']['catalog']['search'];
        // As Magento's client: a scheme in the host name (https, verified against the system's CAs), else http;
        // basic auth with the user of env.php when auth is enabled.
        $host = $system['opensearch_server_hostname'];
        $url = sprintf('%s:%s/_cluster/health', str_contains($host, '://') ? $host : "http://$host", $system['opensearch_server_port']);
        $login = empty($system['opensearch_enable_auth']) ? []
            : ['header' => 'Authorization: Basic ' . base64_encode($system['opensearch_username'] . ':' . $system['opensearch_password'])];
        $health = json_decode((string) file_get_contents($url, false, stream_context_create(['http' => ['timeout' => 2] + $login])), true);
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
