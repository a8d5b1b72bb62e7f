<?php
// The schema version this code needs; bin/magento setup:upgrade brings the database to it.
return 1;
