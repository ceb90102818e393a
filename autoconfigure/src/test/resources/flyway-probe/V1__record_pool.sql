create table flyway_probe as select current_setting('application_name') as pool_name;
