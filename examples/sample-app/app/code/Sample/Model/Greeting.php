<?php
declare(strict_types=1);

namespace Sample\Model;

class Greeting
{
    public function text(): string
    {
        return 'Hello from the sample store';
    }
}
