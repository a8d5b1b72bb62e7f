<?php
// Talks to every service of the stack as the application does and reports each one.
header('Content-Type: application/json');
header('Cache-Control: no-store');
$secrets = parse_ini_file('/etc/magecloud-probe.ini');
$report = [];

function check(array &$report, string $name, callable $probe): void
{
    try {
        $report[$name] = $probe() === true ? 'OK' : 'FAILED';
    } catch (Throwable $error) {
        $report[$name] = 'FAILED: ' . $error->getMessage();
    }
}

check($report, 'mariadb', function () use ($secrets) {
    $pdo = new PDO('mysql:host=127.0.0.1;dbname=magento', 'magento', $secrets['db_password'],
                   [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
    return (int)$pdo->query('SELECT 41 + 1')->fetchColumn() === 42;
});
foreach (['redis_cache' => 6380, 'redis_session' => 6381] as $name => $port) {
    check($report, $name, function () use ($secrets, $port) {
        $redis = new Redis();
        $redis->connect('127.0.0.1', $port);
        $redis->auth($secrets['redis_password']);
        $value = bin2hex(random_bytes(8));
        $redis->set('stack-check', $value);
        return $redis->get('stack-check') === $value;
    });
}
check($report, 'rabbitmq', function () use ($secrets) {
    $connection = new AMQPConnection(['host' => '127.0.0.1', 'vhost' => '/magento', 'login' => 'magento',
                                      'password' => $secrets['mq_password']]);
    $connection->connect();
    $channel = new AMQPChannel($connection);
    $queue = new AMQPQueue($channel);
    $queue->setName('stack-check');
    $queue->declareQueue();
    $body = bin2hex(random_bytes(8));
    (new AMQPExchange($channel))->publish($body, 'stack-check');
    usleep(100000);
    $message = $queue->get(AMQP_AUTOACK);
    return $message !== false && $message->getBody() === $body;
});
check($report, 'opensearch', function () {
    $health = json_decode(file_get_contents('http://127.0.0.1:9200/_cluster/health'), true);
    return in_array($health['status'] ?? '', ['green', 'yellow'], true);
});
echo json_encode($report), "\n";
