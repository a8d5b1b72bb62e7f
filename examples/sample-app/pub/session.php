<?php
// GET /session.php reads and bumps a visit counter in the session store env.php names (the Redis/Valkey
// of session.redis), as a page that reads the customer's session does: 200 with the count, 503 when the
// store does not answer. The cookie "sample_session" keeps one counter per client.
declare(strict_types=1);

require dirname(__DIR__) . '/app/bootstrap.php';

header('Content-Type: text/plain');
header('Cache-Control: no-store, private');

$session = sample_env()['session']['redis'] ?? null;
$id = preg_replace('/[^0-9a-f]/', '', (string) ($_COOKIE['sample_session'] ?? '')) ?: bin2hex(random_bytes(16));
try {
    if ($session === null) {
        throw new RuntimeException('app/etc/env.php has no session.redis');
    }
    $redis = sample_redis($session['host'], (int) $session['port'], $session['password'], (int) $session['database'],
        (string) ($session['persistent_identifier'] ?? ''));
    $visits = $redis->incr("sample:session:$id");
    $redis->expire("sample:session:$id", 3600);
} catch (Throwable $error) {
    http_response_code(503);
    printf("session store unavailable: %s\n", $error->getMessage());
    return;
}
setcookie('sample_session', $id, ['httponly' => true, 'samesite' => 'Lax']);
printf("visits %d\n", $visits);
