<?php
return [
    'modules' => [
        'Sample_Core' => 1,
    ],
];
