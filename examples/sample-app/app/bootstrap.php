<?php
// Shared by the pages and the stand-in bin/magento: settings from env.php, the database, the schema rule.
declare(strict_types=1);

define('BP', dirname(__DIR__));

function sample_env(): array
{
    static $env = null;
    if ($env === null) {
        $file = BP . '/app/etc/env.php';
        $env = is_file($file) ? (include $file) : [];
    }
    return $env;
}

function sample_db(): PDO
{
    $connection = sample_env()['db']['connection']['default'] ?? null;
    if ($connection === null) {
        throw new RuntimeException('app/etc/env.php has no db.connection.default');
    }
    return new PDO(
        sprintf('mysql:host=%s;dbname=%s;charset=utf8mb4', $connection['host'], $connection['dbname']),
        $connection['username'],
        $connection['password'],
        // driver_options carries the CA (PDO::MYSQL_ATTR_SSL_CA) when the database speaks TLS; "persistent" keeps the
        // connection open in the FPM worker, as Magento's adapter does with it.
        [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION, PDO::ATTR_PERSISTENT => !empty($connection['persistent'])]
            + ($connection['driver_options'] ?? [])
    );
}

/**
 * A logged-in client of a Redis/Valkey instance of env.php, on the given database. A non-empty persistent id keeps
 * the connection open in the FPM worker, as Magento's Redis clients do with env.php's persistent keys; a "tls://"
 * server is TLS with the peer's certificate and name verified.
 */
function sample_redis(string $server, int $port, string $password, int $database, string $persistentId): Redis
{
    $redis = new Redis();
    if ($persistentId === '') {
        $redis->connect($server, $port, 2.0);
    } else {
        $redis->pconnect($server, $port, 2.0, $persistentId);
    }
    $redis->auth($password);
    $redis->select($database);
    return $redis;
}

/**
 * The modules the code declares, as Magento's module loader finds them: each etc/module.xml under
 * app/code, with its <sequence> (the modules it loads after) and the schema version its code needs
 * (etc/schema_version.php beside module.xml stands in for the declarative schema; 1 when absent).
 *
 * @return array<string, array{sequence: string[], version: int}>
 */
function sample_declared_modules(): array
{
    $modules = [];
    foreach (array_merge(glob(BP . '/app/code/*/etc/module.xml'), glob(BP . '/app/code/*/*/etc/module.xml')) as $file) {
        $module = simplexml_load_file($file)->module;
        $sequence = [];
        foreach ($module->sequence->module ?? [] as $after) {
            $sequence[] = (string) $after['name'];
        }
        $versionFile = dirname($file) . '/schema_version.php';
        $modules[(string) $module['name']] = [
            'sequence' => $sequence,
            'version' => is_file($versionFile) ? (int) (include $versionFile) : 1,
        ];
    }
    ksort($modules);
    return $modules;
}

/** What php-amqp needs besides the login to connect over TLS, when env.php's queue.amqp asks for TLS. */
function sample_amqp_tls_credentials(array $amqp): array
{
    if (!sample_amqp_tls($amqp)) {
        return [];
    }
    // The extension's own check of the peer's name does not match IP addresses, which the deploy connects to:
    // /stack checks the certificate with a PHP stream instead, as Magento's AMQP library does.
    return ['cacert' => $amqp['ssl_options']['cafile'], 'verify' => false];
}

/** As Magento's AMQP config reads it: TLS only when ssl is the string 'true'. */
function sample_amqp_tls(array $amqp): bool
{
    return is_string($amqp['ssl'] ?? null) && trim($amqp['ssl']) === 'true';
}

function sample_code_schema_version(): int
{
    return sample_declared_modules()['Sample_Core']['version'];
}

function sample_db_schema_version(PDO $db): ?int
{
    try {
        $version = $db->query("SELECT schema_version FROM setup_module WHERE module = 'Sample_Core'")->fetchColumn();
    } catch (PDOException $missingTable) {
        return null;
    }
    return $version === false ? null : (int) $version;
}

function sample_blue_green(): bool
{
    return !empty(sample_env()['deployment']['blue_green']['enabled']);
}

function sample_maintenance_flag(): string
{
    return BP . '/var/.maintenance.flag';
}

/** Magento's DbStatusValidator: code and schema must agree unless blue/green deployment is on. */
function sample_schema_error(PDO $db): ?string
{
    if (sample_blue_green() || sample_db_schema_version($db) === sample_code_schema_version()) {
        return null;
    }
    return 'Please upgrade your database: Run "bin/magento setup:upgrade" from the Magento root directory.';
}

function sample_release(): string
{
    return basename(BP);
}
