<?php
// Prints, as a JSON list, the locales ece-tools deploys static content for in the deploy phase: the
// general/locale/code values of core_config_data (every scope) and the interface locales of admin
// users. Run from the release directory; reads the database named in app/etc/env.php.
declare(strict_types=1);

$env = include 'app/etc/env.php';
$connection = $env['db']['connection']['default'];
$prefix = $env['db']['table_prefix'] ?? '';
// Magento's host may carry the port ("db:3307") or be a socket path.
[$host, $port] = array_pad(explode(':', (string) $connection['host'], 2), 2, '3306');
$dsn = str_starts_with($host, '/') ? "mysql:unix_socket=$host" : "mysql:host=$host;port=$port";
$db = new PDO("$dsn;dbname={$connection['dbname']}", $connection['username'], $connection['password'] ?? '',
    ($connection['driver_options'] ?? []) + [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
$queries = [
    "SELECT DISTINCT `value` FROM `{$prefix}core_config_data` WHERE `path` = 'general/locale/code'",
    "SELECT DISTINCT `interface_locale` FROM `{$prefix}admin_user`",
];
$locales = [];
foreach ($queries as $query) {
    try {
        $locales = array_merge($locales, $db->query($query)->fetchAll(PDO::FETCH_COLUMN));
    } catch (PDOException $missingTable) {
        // A store without admin users yet has no admin_user table to read.
    }
}
echo json_encode(array_values(array_unique(array_filter($locales, 'is_string')))), "\n";
