--liquibase formatted sql

--changeset routing-pools:1
create table liquibase_probe as select current_setting('application_name') as pool_name;
