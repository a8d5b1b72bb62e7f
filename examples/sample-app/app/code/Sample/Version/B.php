<?php
return 'v1';
