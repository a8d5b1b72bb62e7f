<?php
// Health page for the deploy's checks and Varnish's probe: the database answers and the code
// matches the schema. Fault switches for the deploy tests (see README.md):
// app/fail-health fails it always, app/fail-live-health fails it outside the preview server.
declare(strict_types=1);

require dirname(__DIR__) . '/app/bootstrap.php';

header('Content-Type: text/plain');
header('Cache-Control: no-store, private');

$failLive = is_file(BP . '/app/fail-live-health') && empty($_SERVER['MAGECLOUD_PREVIEW']);
if (is_file(BP . '/app/fail-health') || $failLive) {
    http_response_code(500);
    echo "unhealthy: fault switch in app/\n";
    return;
}
try {
    $schemaError = sample_schema_error(sample_db());
} catch (Throwable $error) {
    $schemaError = $error->getMessage();
}
http_response_code($schemaError === null ? 200 : 503);
printf("%s release=%s\n", $schemaError ?? 'ok', sample_release());
