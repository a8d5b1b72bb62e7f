<?php
return [
    'modules' => [
        'Sample_Core' => 1,
        'Sample_Catalog' => 1
    ]
];
