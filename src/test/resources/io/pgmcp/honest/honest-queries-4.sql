-- The honest corpus, part 4: set operations, VALUES/TABLE/FETCH, casts, conditionals, server
-- questions, row constructors, operators by name, the large table.

-- H301 set: UNION
SELECT customer_id FROM orders WHERE total > 2000 UNION SELECT customer_id FROM support_tickets WHERE priority = 4 ORDER BY 1 LIMIT 20
-- H302 set: UNION ALL with labels
SELECT 'order' AS kind, id, ordered_at AS at FROM orders WHERE customer_id = 5 UNION ALL SELECT 'ticket', id, opened_at FROM support_tickets WHERE customer_id = 5 ORDER BY at
-- H303 set: INTERSECT
SELECT customer_id FROM orders INTERSECT SELECT customer_id FROM support_tickets ORDER BY 1 LIMIT 10
-- H304 set: EXCEPT
SELECT id FROM customers EXCEPT SELECT customer_id FROM orders ORDER BY 1 LIMIT 10
-- H305 set: INTERSECT ALL and EXCEPT ALL
SELECT channel FROM orders WHERE id < 50 INTERSECT ALL SELECT channel FROM orders WHERE id BETWEEN 25 AND 75 EXCEPT ALL SELECT 'phone'
-- H306 set: parenthesised set operations with LIMIT
(SELECT id, total FROM orders ORDER BY total DESC LIMIT 3) UNION ALL (SELECT id, total FROM orders ORDER BY total LIMIT 3) ORDER BY total
-- H307 set: UNION in a subquery
SELECT kind, count(*) FROM (SELECT 'order' AS kind FROM orders UNION ALL SELECT 'payment' FROM payments) x GROUP BY kind ORDER BY kind
-- H308 set: UNION of VALUES and SELECT
SELECT name FROM regions UNION VALUES ('Nowhere') ORDER BY 1
-- H309 set: EXCEPT over two columns
SELECT product_id, snapshot_date FROM inventory_snapshots WHERE on_hand = 0 EXCEPT SELECT product_id, snapshot_date FROM inventory_snapshots WHERE product_id > 100 ORDER BY 1, 2 LIMIT 10
-- H310 set: UNION with casts to align types
SELECT id::text AS ref FROM orders WHERE id < 3 UNION ALL SELECT sku FROM products WHERE id < 3 ORDER BY 1

-- H311 values: bare VALUES
VALUES (1, 'one'), (2, 'two'), (3, 'three')
-- H312 values: VALUES with ORDER BY and LIMIT
VALUES (3, 'c'), (1, 'a'), (2, 'b') ORDER BY 1 LIMIT 2
-- H313 values: VALUES as a lookup table
SELECT o.status, v.label, count(*) FROM orders o JOIN (VALUES ('paid', 'Paid'), ('shipped', 'On the way'), ('delivered', 'Done')) AS v(code, label) ON v.code = o.status GROUP BY 1, 2 ORDER BY 1
-- H314 values: VALUES in a CTE
WITH targets(currency, goal) AS (VALUES ('EUR', 100000), ('USD', 50000), ('GBP', 20000)) SELECT t.currency, t.goal, sum(o.total) AS actual FROM targets t LEFT JOIN orders o ON o.currency = t.currency GROUP BY t.currency, t.goal ORDER BY 1
-- H315 table: TABLE statement
TABLE regions
-- H316 table: TABLE with ORDER BY and LIMIT
TABLE categories ORDER BY name LIMIT 5
-- H317 table: TABLE inside a set operation
SELECT id, name, country_code FROM regions WHERE id < 3 UNION ALL TABLE regions ORDER BY 1
-- H318 table: TABLE in a CTE
WITH r AS (TABLE regions) SELECT count(*) FROM r
-- H319 fetch: FETCH FIRST
SELECT id, total FROM orders ORDER BY total DESC FETCH FIRST 5 ROWS ONLY
-- H320 fetch: FETCH FIRST WITH TIES
SELECT id, status FROM orders ORDER BY status FETCH FIRST 1 ROW WITH TIES
-- H321 fetch: OFFSET ... ROWS FETCH NEXT
SELECT id FROM products ORDER BY id OFFSET 10 ROWS FETCH NEXT 5 ROWS ONLY
-- H322 fetch: LIMIT ALL
SELECT id FROM regions ORDER BY id LIMIT ALL

-- H323 cast: double colon
SELECT '42'::int + 1, '3.14'::numeric(5,2), 'true'::boolean, '2026-01-01'::date
-- H324 cast: CAST syntax
SELECT CAST(total AS integer), CAST(ordered_at AS date), CAST(id AS text) FROM orders ORDER BY id LIMIT 3
-- H325 cast: typed literals
SELECT int '7', numeric '1.5', text 'hello', boolean 'yes', bigint '9000000000'
-- H326 cast: function style casts
SELECT date(ordered_at), text(id), int4(total), float8(total), int8(id), timestamptz(date(ordered_at)) FROM orders ORDER BY id LIMIT 3
-- H327 cast: double precision and real
SELECT total::double precision, total::real, total::float, unit_price::decimal(12,4) FROM orders JOIN order_items ON order_items.order_id = orders.id ORDER BY orders.id LIMIT 3
-- H328 cast: varchar and char
SELECT sku::varchar(6), name::character varying, currency::char(3), 'x'::"char" FROM products, (SELECT 'EUR' AS currency) c ORDER BY id LIMIT 3
-- H329 cast: timestamp precision and with time zone
SELECT ordered_at::timestamp(0), ordered_at::timestamp without time zone, ordered_at::time with time zone FROM orders ORDER BY id LIMIT 2
-- H330 cast: enum and text round trip
SELECT tier::text, 'gold'::customer_tier, tier::text::customer_tier = tier FROM customers ORDER BY id LIMIT 3
-- H331 cast: array casts
SELECT '{1,2,3}'::int[], ARRAY['1', '2']::integer[], tags::text FROM products ORDER BY id LIMIT 2
-- H332 cast: jsonb and json casts
SELECT '{"a":1}'::jsonb, '[1,2]'::json, attributes::text FROM customers ORDER BY id LIMIT 2
-- H333 cast: interval and uuid and inet
SELECT '1 day'::interval, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, '192.168.0.1/24'::inet, '10.0.0.0/8'::cidr
-- H334 cast: pg_typeof
SELECT pg_typeof(total), pg_typeof(ordered_at), pg_typeof(tags) FROM orders, products WHERE orders.id = 1 AND products.id = 1
-- H335 cast: bit and bytea
SELECT B'1010'::bit(4), X'FF', '\x4142'::bytea, convert_to('hi', 'UTF8')

-- H336 cond: CASE searched
SELECT id, CASE WHEN total >= 1000 THEN 'large' WHEN total >= 200 THEN 'medium' ELSE 'small' END AS size FROM orders ORDER BY id LIMIT 10
-- H337 cond: CASE simple
SELECT status, CASE status WHEN 'delivered' THEN 'done' WHEN 'cancelled' THEN 'lost' ELSE 'open' END FROM orders GROUP BY status ORDER BY 1
-- H338 cond: COALESCE and NULLIF
SELECT id, coalesce(coupon_code, 'none'), nullif(channel, 'web') FROM orders ORDER BY id LIMIT 5
-- H339 cond: GREATEST and LEAST
SELECT id, greatest(price, cost * 2), least(price, 100) FROM products ORDER BY id LIMIT 5
-- H340 cond: safe division with NULLIF
SELECT channel, sum(total) FILTER (WHERE status = 'refunded') / nullif(sum(total), 0) AS refund_share FROM orders GROUP BY channel ORDER BY channel
-- H341 math: round, ceil, floor, trunc
SELECT round(123.456, 1), ceil(1.2), floor(-1.2), trunc(9.99), round(1234.5678, -2)
-- H342 math: power, sqrt, abs, mod, exp, ln, log
SELECT power(2, 10), sqrt(16), abs(-5), mod(17, 5), 17 % 5, exp(1), ln(10), log(100), log(2, 8), cbrt(27)
-- H343 math: width_bucket histogram
SELECT width_bucket(total, 0, 3000, 6) AS bucket, count(*) FROM orders GROUP BY 1 ORDER BY 1
-- H344 math: integer division and float division
SELECT 7 / 2 AS int_div, 7 / 2.0 AS num_div, 7::float / 2 AS float_div, div(7, 2)
-- H345 math: sign, pi, degrees, trig
SELECT sign(-3), pi(), degrees(pi()), radians(180), sin(0), cos(0), atan2(1, 1)
-- H346 math: numeric scale and trim_scale
SELECT scale(1.2300), trim_scale(1.2300), min_scale(1.2300)
-- H347 math: gcd lcm factorial
SELECT gcd(12, 18), lcm(4, 6), factorial(5)
-- H348 math: random ranks are not used; use row number modulo
SELECT id % 10 AS bucket, count(*) FROM customers GROUP BY 1 ORDER BY 1
-- H349 cond: boolean expressions in select list
SELECT id, total > 1000 AS is_big, coupon_code IS NOT NULL AS used_coupon, status IN ('refunded', 'cancelled') AS lost FROM orders ORDER BY id LIMIT 5
-- H350 cond: IS TRUE / IS NOT FALSE / IS UNKNOWN
SELECT count(*) FILTER (WHERE marketing_opt_in IS TRUE), count(*) FILTER (WHERE (region_id > 2) IS UNKNOWN) FROM customers

-- H351 server: version
SELECT version()
-- H352 server: current database and schema
SELECT current_database(), current_schema()
-- H353 server: current user
SELECT current_user, session_user
-- H354 server: current time zone via now and a literal
SELECT now()::date = current_date AS same_day
-- H355 server: pg_typeof of literals
SELECT pg_typeof(1), pg_typeof(1.0), pg_typeof('a'::text), pg_typeof(now())
-- H356 server: current_schemas
SELECT current_schemas(false)
-- H357 server: txid-free transaction timestamp functions
SELECT transaction_timestamp() <= clock_timestamp(), statement_timestamp() IS NOT NULL

-- H358 row: ROW constructor
SELECT ROW(1, 'a')
-- H359 row: row comparison
SELECT id FROM orders WHERE (customer_id, id) > (100, 0) ORDER BY customer_id, id LIMIT 5
-- H360 row: ROW in comparison with ROW keyword
SELECT count(*) FROM orders WHERE ROW(currency, channel) = ROW('EUR', 'web')
-- H361 row: IN with row values
SELECT id, currency, channel FROM orders WHERE (currency, channel) IN (('USD', 'app'), ('GBP', 'store')) ORDER BY id LIMIT 5
-- H362 row: composite field access from a row of a derived table
SELECT (x).id, (x).name FROM (SELECT r AS x FROM (SELECT id, name FROM regions) r) s ORDER BY 1

-- H363 operator: OPERATOR(pg_catalog.+)
SELECT 1 OPERATOR(pg_catalog.+) 2
-- H364 operator: OPERATOR in WHERE
SELECT count(*) FROM products WHERE price OPERATOR(pg_catalog.>) 500
-- H365 from: ROWS FROM
SELECT * FROM ROWS FROM (generate_series(1, 3)) AS g(x)
-- H366 from: ROWS FROM with two functions and ordinality
SELECT * FROM ROWS FROM (generate_series(1, 3), unnest(ARRAY['a', 'b'])) WITH ORDINALITY AS t(n, letter, ord)
-- H367 from: function in FROM with column alias
SELECT d FROM generate_series(1, 5) AS s(d) WHERE d % 2 = 1
-- H368 from: subquery without alias is not allowed in PG 15, so alias it
SELECT count(*) FROM (SELECT 1 FROM products) AS p

-- H369 large: recent page views by an indexed time range
SELECT id, url, viewed_at FROM page_views WHERE viewed_at >= timestamptz '2026-01-20' AND viewed_at < timestamptz '2026-01-20 02:00' ORDER BY viewed_at
-- H370 large: page views of one customer through its index
SELECT url, viewed_at, duration_ms FROM page_views WHERE customer_id = 77 ORDER BY viewed_at DESC LIMIT 20
-- H371 large: LIMIT without filter
SELECT id, url FROM page_views LIMIT 5
-- H372 large: latest page views through the index order
SELECT id, url, viewed_at FROM page_views ORDER BY viewed_at DESC LIMIT 10
-- H373 large: primary key lookup
SELECT * FROM page_views WHERE id = 12345
-- H374 large: primary key range
SELECT device, count(*) FROM page_views WHERE id BETWEEN 1000 AND 1999 GROUP BY device ORDER BY device
-- H375 large: hourly traffic for one day via the time index
SELECT date_trunc('hour', viewed_at) AS hour, count(*), round(avg(duration_ms)) AS avg_ms FROM page_views WHERE viewed_at >= timestamptz '2026-01-15' AND viewed_at < timestamptz '2026-01-16' GROUP BY 1 ORDER BY 1
-- H376 large: join a small driving set to the large table
SELECT c.full_name, count(v.id) AS views FROM customers c JOIN page_views v ON v.customer_id = c.id WHERE c.id IN (5, 6, 7) GROUP BY c.full_name ORDER BY c.full_name
-- H377 large: EXISTS probe into the large table by index
SELECT c.id FROM customers c WHERE c.id < 30 AND EXISTS (SELECT 1 FROM page_views v WHERE v.customer_id = c.id AND v.url = '/checkout') ORDER BY c.id
-- H378 large: lateral latest view per customer
SELECT c.id, last.viewed_at FROM customers c CROSS JOIN LATERAL (SELECT viewed_at FROM page_views v WHERE v.customer_id = c.id ORDER BY viewed_at DESC LIMIT 1) last WHERE c.id <= 5 ORDER BY c.id
-- H379 large: FETCH FIRST on the large table
SELECT id, device FROM page_views ORDER BY id FETCH FIRST 3 ROWS ONLY
-- H380 large: referrer breakdown over one hour
SELECT coalesce(referrer, 'direct') AS source, count(*) FROM page_views WHERE viewed_at BETWEEN timestamptz '2026-01-05 10:00' AND timestamptz '2026-01-05 11:00' GROUP BY 1 ORDER BY 2 DESC
