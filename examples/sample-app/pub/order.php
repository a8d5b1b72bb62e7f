<?php
// POST /order.php places one order: a row in sample_order written in a transaction. The answer is 200
// with the order's id only after COMMIT returned, so an id the client saw is a durable order; any
// failure answers 503 and the client must not count the order as placed. The failover drill
// (benchmarks/failover_drill.py) checks that every acknowledged id exists on every database node.
declare(strict_types=1);

require dirname(__DIR__) . '/app/bootstrap.php';

header('Content-Type: text/plain');
header('Cache-Control: no-store, private');

if (($_SERVER['REQUEST_METHOD'] ?? 'GET') !== 'POST') {
    http_response_code(405);
    header('Allow: POST');
    echo "POST an order\n";
    return;
}

const SAMPLE_ORDER_TABLE = 'CREATE TABLE IF NOT EXISTS sample_order (id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, '
    . 'reference VARCHAR(64) NOT NULL, placed_at DATETIME(6) NOT NULL) ENGINE=InnoDB';

function sample_place_order(PDO $db, string $reference): string
{
    $db->beginTransaction();
    $db->prepare('INSERT INTO sample_order (reference, placed_at) VALUES (?, NOW(6))')->execute([$reference]);
    $id = $db->lastInsertId();
    $db->commit();
    return $id;
}

$reference = substr((string) ($_POST['reference'] ?? bin2hex(random_bytes(8))), 0, 64);
try {
    $db = sample_db();
    try {
        $id = sample_place_order($db, $reference);
    } catch (PDOException $error) {
        // 42S02: the table is not there yet (the first order of a new database).
        if ($error->getCode() !== '42S02') {
            throw $error;
        }
        $db->exec(SAMPLE_ORDER_TABLE);
        $id = sample_place_order($db, $reference);
    }
} catch (Throwable $error) {
    http_response_code(503);
    printf("order not placed: %s\n", $error->getMessage());
    return;
}
printf("order %s\n", $id);
