create table products (
    id    bigserial primary key,
    name  text           not null unique,
    price numeric(10, 2) not null check (price >= 0),
    stock integer        not null check (stock >= 0)
);

create table orders (
    id         bigserial primary key,
    product_id bigint      not null references products (id),
    quantity   integer     not null check (quantity > 0),
    created_at timestamptz not null default now()
);

create index orders_product_id_idx on orders (product_id);
