-- The honest corpus, part 2: windows, grouping, aggregates, DISTINCT ON, pattern matching.

-- H101 window: row_number per customer
SELECT id, customer_id, row_number() OVER (PARTITION BY customer_id ORDER BY ordered_at) AS nth_order FROM orders WHERE customer_id < 10 ORDER BY customer_id, nth_order
-- H102 window: rank and dense_rank
SELECT name, price, rank() OVER (ORDER BY price DESC) AS rnk, dense_rank() OVER (ORDER BY price DESC) AS drnk FROM products ORDER BY price DESC LIMIT 10
-- H103 window: running total
SELECT ordered_at::date AS day, total, sum(total) OVER (ORDER BY ordered_at, id) AS running FROM orders WHERE customer_id = 15 ORDER BY ordered_at
-- H104 window: moving average with ROWS frame
SELECT day, revenue, avg(revenue) OVER (ORDER BY day ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS avg7 FROM (SELECT ordered_at::date AS day, sum(total) AS revenue FROM orders GROUP BY 1) d ORDER BY day LIMIT 30
-- H105 window: RANGE frame with interval
SELECT day, revenue, sum(revenue) OVER (ORDER BY day RANGE BETWEEN interval '6 days' PRECEDING AND CURRENT ROW) AS week_revenue FROM (SELECT ordered_at::date AS day, sum(total) AS revenue FROM orders GROUP BY 1) d ORDER BY day LIMIT 20
-- H106 window: GROUPS frame
SELECT id, price, count(*) OVER (ORDER BY price GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS neighbours FROM products ORDER BY price LIMIT 10
-- H107 window: frame EXCLUDE CURRENT ROW
SELECT id, price, avg(price) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING EXCLUDE CURRENT ROW) AS avg_neighbours FROM products ORDER BY id LIMIT 10
-- H108 window: lag and lead
SELECT id, ordered_at, lag(ordered_at) OVER w AS previous, lead(ordered_at) OVER w AS next FROM orders WHERE customer_id = 21 WINDOW w AS (ORDER BY ordered_at) ORDER BY ordered_at
-- H109 window: lag with offset and default
SELECT day, revenue, revenue - lag(revenue, 7, 0::numeric) OVER (ORDER BY day) AS wow FROM (SELECT ordered_at::date AS day, sum(total) AS revenue FROM orders GROUP BY 1) d ORDER BY day LIMIT 15
-- H110 window: first_value and last_value with full frame
SELECT DISTINCT category_id, first_value(name) OVER w AS cheapest, last_value(name) OVER w AS dearest FROM products WINDOW w AS (PARTITION BY category_id ORDER BY price, id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) ORDER BY category_id
-- H111 window: nth_value
SELECT DISTINCT category_id, nth_value(name, 2) OVER (PARTITION BY category_id ORDER BY price DESC, id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS second_dearest FROM products ORDER BY category_id
-- H112 window: ntile quartiles
SELECT id, total, ntile(4) OVER (ORDER BY total) AS quartile FROM orders ORDER BY id LIMIT 20
-- H113 window: percent_rank and cume_dist
SELECT name, price, round(percent_rank() OVER (ORDER BY price)::numeric, 3) AS pr, round(cume_dist() OVER (ORDER BY price)::numeric, 3) AS cd FROM products ORDER BY price LIMIT 10
-- H114 window: share of partition
SELECT category_id, name, price, round(100 * price / sum(price) OVER (PARTITION BY category_id), 2) AS pct_of_category FROM products ORDER BY category_id, pct_of_category DESC LIMIT 20
-- H115 window: aggregate with FILTER over window
SELECT day, count(*) FILTER (WHERE status = 'cancelled') OVER (ORDER BY day) AS cancelled_so_far FROM (SELECT ordered_at::date AS day, status FROM orders) d ORDER BY day LIMIT 10
-- H116 window: named window reused
SELECT id, total, sum(total) OVER w, avg(total) OVER w, count(*) OVER w FROM orders WHERE customer_id = 3 WINDOW w AS (PARTITION BY customer_id) ORDER BY id
-- H117 window: window over aggregate
SELECT channel, sum(total) AS revenue, rank() OVER (ORDER BY sum(total) DESC) AS position FROM orders GROUP BY channel ORDER BY position
-- H118 window: gaps between tickets
SELECT customer_id, opened_at, opened_at - lag(opened_at) OVER (PARTITION BY customer_id ORDER BY opened_at) AS gap FROM support_tickets WHERE customer_id IN (14, 27) ORDER BY customer_id, opened_at
-- H119 window: top-N per group through a subquery
SELECT * FROM (SELECT cat.name AS category, p.name, p.price, row_number() OVER (PARTITION BY p.category_id ORDER BY p.price DESC) AS rn FROM products p JOIN categories cat ON cat.id = p.category_id) x WHERE rn <= 2 ORDER BY category, rn
-- H120 window: sessionisation by gap
SELECT customer_id, count(*) AS orders, sum(new_streak) AS streaks FROM (SELECT customer_id, CASE WHEN ordered_at - lag(ordered_at) OVER (PARTITION BY customer_id ORDER BY ordered_at) > interval '30 days' THEN 1 ELSE 0 END AS new_streak FROM orders) s GROUP BY customer_id ORDER BY streaks DESC, customer_id LIMIT 10
-- H121 window: cumulative distinct-ish with max
SELECT id, price, max(price) OVER (ORDER BY id) AS record_so_far FROM products ORDER BY id LIMIT 15
-- H122 window: salary vs department average
SELECT name, department, salary, salary - avg(salary) OVER (PARTITION BY department) AS vs_dept FROM employees ORDER BY department, salary DESC
-- H123 window: rank within department
SELECT department, name, rank() OVER (PARTITION BY department ORDER BY salary DESC) FROM employees ORDER BY department, 3
-- H124 window: running count with UNBOUNDED PRECEDING
SELECT hired_on, name, count(*) OVER (ORDER BY hired_on ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS headcount FROM employees ORDER BY hired_on
-- H125 window: inventory change day over day
SELECT product_id, snapshot_date, on_hand, on_hand - lag(on_hand) OVER (PARTITION BY product_id ORDER BY snapshot_date) AS delta FROM inventory_snapshots WHERE product_id = 17 ORDER BY snapshot_date
-- H126 window: exchange rate change
SELECT day, rate, rate / lag(rate) OVER (ORDER BY day) - 1 AS change FROM exchange_rates WHERE currency = 'USD' AND day < date '2025-06-20' ORDER BY day
-- H127 window: count over empty OVER
SELECT id, name, count(*) OVER () AS total_products FROM products ORDER BY id LIMIT 5
-- H128 window: window in ORDER BY
SELECT id, total FROM orders WHERE customer_id = 9 ORDER BY row_number() OVER (ORDER BY total DESC)
-- H129 window: ordered window with FOLLOWING frame
SELECT id, price, sum(price) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND 3 FOLLOWING) AS next4 FROM products ORDER BY id LIMIT 10
-- H130 window: partition by expression
SELECT id, ordered_at, row_number() OVER (PARTITION BY date_trunc('month', ordered_at) ORDER BY total DESC) AS rank_in_month FROM orders ORDER BY id LIMIT 10

-- H131 grouping: GROUPING SETS
SELECT channel, status, count(*) FROM orders GROUP BY GROUPING SETS ((channel), (status), ()) ORDER BY channel NULLS LAST, status NULLS LAST
-- H132 grouping: ROLLUP
SELECT status, count(*) FROM orders GROUP BY ROLLUP (status) ORDER BY status NULLS LAST
-- H133 grouping: ROLLUP two levels
SELECT currency, channel, sum(total) FROM orders GROUP BY ROLLUP (currency, channel) ORDER BY currency NULLS LAST, channel NULLS LAST
-- H134 grouping: CUBE
SELECT currency, channel, count(*) FROM orders GROUP BY CUBE (currency, channel) ORDER BY 1 NULLS LAST, 2 NULLS LAST
-- H135 grouping: grouping() to label totals
SELECT CASE WHEN grouping(status) = 1 THEN 'ALL' ELSE status END AS status, count(*) FROM orders GROUP BY ROLLUP (status) ORDER BY grouping(status), status
-- H136 grouping: grouping() with two arguments
SELECT currency, channel, grouping(currency, channel) AS level, sum(total) FROM orders GROUP BY CUBE (currency, channel) ORDER BY level, currency, channel
-- H137 grouping: mixed GROUP BY and ROLLUP
SELECT currency, status, channel, count(*) FROM orders GROUP BY currency, ROLLUP (status, channel) ORDER BY 1, 2 NULLS LAST, 3 NULLS LAST LIMIT 30
-- H138 grouping: GROUPING SETS with ROLLUP inside
SELECT tier, region_id, count(*) FROM customers GROUP BY GROUPING SETS (ROLLUP (tier), (region_id)) ORDER BY 1 NULLS LAST, 2 NULLS LAST
-- H139 grouping: GROUP BY DISTINCT
SELECT currency, channel, count(*) FROM orders GROUP BY DISTINCT ROLLUP (currency, channel), ROLLUP (currency) ORDER BY 1 NULLS LAST, 2 NULLS LAST
-- H140 grouping: group by expression
SELECT extract(year FROM ordered_at) AS y, extract(quarter FROM ordered_at) AS q, sum(total) FROM orders GROUP BY 1, 2 ORDER BY 1, 2
-- H141 grouping: ROLLUP over dates
SELECT date_trunc('month', ordered_at)::date AS month, channel, sum(total) FROM orders GROUP BY ROLLUP (date_trunc('month', ordered_at)::date, channel) ORDER BY 1 NULLS LAST, 2 NULLS LAST LIMIT 20
-- H142 grouping: CUBE with HAVING
SELECT currency, status, count(*) FROM orders GROUP BY CUBE (currency, status) HAVING count(*) > 100 ORDER BY 1 NULLS LAST, 2 NULLS LAST
-- H143 grouping: GROUPING SETS of expressions
SELECT tier, marketing_opt_in, count(*) FROM customers GROUP BY GROUPING SETS (tier, marketing_opt_in) ORDER BY 1 NULLS LAST, 2 NULLS LAST
-- H144 grouping: group by alias
SELECT CASE WHEN price < 100 THEN 'cheap' ELSE 'dear' END AS band, count(*) FROM products GROUP BY band ORDER BY band
-- H145 grouping: group by primary key with other columns
SELECT c.id, c.full_name, count(o.id) FROM customers c LEFT JOIN orders o ON o.customer_id = c.id GROUP BY c.id ORDER BY 3 DESC, c.id LIMIT 10

-- H146 aggregate: FILTER clause
SELECT count(*) AS all_orders, count(*) FILTER (WHERE status = 'delivered') AS delivered, count(*) FILTER (WHERE status IN ('cancelled', 'refunded')) AS lost FROM orders
-- H147 aggregate: sum with FILTER per channel
SELECT channel, sum(total) FILTER (WHERE currency = 'EUR') AS eur, sum(total) FILTER (WHERE currency = 'USD') AS usd FROM orders GROUP BY channel ORDER BY channel
-- H148 aggregate: median with percentile_cont
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY total) AS median_total FROM orders
-- H149 aggregate: several percentiles as an array
SELECT percentile_cont(ARRAY[0.25, 0.5, 0.75, 0.95]) WITHIN GROUP (ORDER BY total) FROM orders
-- H150 aggregate: percentile_disc per channel
SELECT channel, percentile_disc(0.9) WITHIN GROUP (ORDER BY total) AS p90 FROM orders GROUP BY channel ORDER BY channel
-- H151 aggregate: mode
SELECT mode() WITHIN GROUP (ORDER BY channel) AS most_common_channel FROM orders
-- H152 aggregate: hypothetical rank
SELECT rank(500) WITHIN GROUP (ORDER BY price) AS rank_of_500 FROM products
-- H153 aggregate: string_agg ordered
SELECT department, string_agg(name, ', ' ORDER BY name) AS people FROM employees GROUP BY department ORDER BY department
-- H154 aggregate: array_agg distinct
SELECT customer_id, array_agg(DISTINCT channel ORDER BY channel) AS channels FROM orders WHERE customer_id < 8 GROUP BY customer_id ORDER BY customer_id
-- H155 aggregate: bool_and and bool_or
SELECT category_id, bool_and(discontinued) AS all_gone, bool_or(discontinued) AS some_gone FROM products GROUP BY category_id ORDER BY category_id
-- H156 aggregate: every
SELECT every(total > 0) FROM orders
-- H157 aggregate: statistics
SELECT round(stddev(total), 2) AS sd, round(variance(total), 2) AS var, round(stddev_pop(total), 2) AS sdp FROM orders
-- H158 aggregate: correlation and regression
SELECT round(corr(price, cost)::numeric, 4) AS r, round(regr_slope(price, cost)::numeric, 4) AS slope, round(regr_intercept(price, cost)::numeric, 2) AS intercept FROM products
-- H159 aggregate: jsonb_agg of rows
SELECT r.name, jsonb_agg(jsonb_build_object('id', c.id, 'name', c.full_name) ORDER BY c.id) FILTER (WHERE c.id < 40) AS sample FROM regions r JOIN customers c ON c.region_id = r.id GROUP BY r.name ORDER BY r.name
-- H160 aggregate: jsonb_object_agg
SELECT jsonb_object_agg(status, n) FROM (SELECT status, count(*) AS n FROM orders GROUP BY status) s
-- H161 aggregate: count of nulls
SELECT count(*) - count(shipped_at) AS not_shipped, count(coupon_code) AS with_coupon FROM orders
-- H162 aggregate: avg distinct
SELECT avg(DISTINCT price) AS avg_distinct_price FROM products
-- H163 aggregate: max of text and dates
SELECT max(full_name), min(created_at), max(birth_date) FROM customers
-- H164 aggregate: bit_or over flags
SELECT bit_or(CASE WHEN gift THEN 1 ELSE 0 END) FROM (SELECT (metadata ->> 'gift')::boolean AS gift FROM orders) g
-- H165 aggregate: weighted average
SELECT sum(unit_price * quantity) / sum(quantity) AS weighted_avg_price FROM order_items
-- H166 aggregate: conditional count with CASE
SELECT sum(CASE WHEN refunded THEN 1 ELSE 0 END) AS refunded, count(*) AS payments FROM payments
-- H167 aggregate: average time to ship
SELECT channel, avg(shipped_at - ordered_at) AS avg_time_to_ship FROM orders WHERE shipped_at IS NOT NULL GROUP BY channel ORDER BY channel
-- H168 aggregate: average ticket resolution in hours
SELECT priority, round(avg(extract(epoch FROM closed_at - opened_at) / 3600)::numeric, 1) AS hours FROM support_tickets WHERE closed_at IS NOT NULL GROUP BY priority ORDER BY priority
-- H169 aggregate: min_by-style with DISTINCT ON alternative via array
SELECT customer_id, (array_agg(id ORDER BY total DESC))[1] AS biggest_order FROM orders WHERE customer_id < 10 GROUP BY customer_id ORDER BY customer_id
-- H170 aggregate: count per hour of day
SELECT extract(hour FROM ordered_at AT TIME ZONE 'UTC') AS hour_of_day, count(*) FROM orders GROUP BY 1 ORDER BY 1

-- H171 distinct on: latest order per customer
SELECT DISTINCT ON (customer_id) customer_id, id, ordered_at FROM orders ORDER BY customer_id, ordered_at DESC LIMIT 20
-- H172 distinct on: cheapest product per category
SELECT DISTINCT ON (category_id) category_id, name, price FROM products ORDER BY category_id, price, id
-- H173 distinct on: last inventory snapshot per product
SELECT DISTINCT ON (product_id) product_id, snapshot_date, on_hand FROM inventory_snapshots WHERE product_id < 15 ORDER BY product_id, snapshot_date DESC
-- H174 distinct on: two keys
SELECT DISTINCT ON (currency, channel) currency, channel, id, total FROM orders ORDER BY currency, channel, total DESC
-- H175 distinct on: with join
SELECT DISTINCT ON (c.region_id) c.region_id, c.full_name, o.total FROM customers c JOIN orders o ON o.customer_id = c.id WHERE c.region_id IS NOT NULL ORDER BY c.region_id, o.total DESC
-- H176 distinct on: latest rate per currency
SELECT DISTINCT ON (currency) currency, day, rate FROM exchange_rates ORDER BY currency, day DESC
-- H177 distinct: DISTINCT over expression
SELECT DISTINCT date_trunc('month', opened_at) AS month FROM support_tickets ORDER BY month
-- H178 distinct on: first ticket per customer
SELECT DISTINCT ON (customer_id) customer_id, subject, opened_at FROM support_tickets ORDER BY customer_id, opened_at LIMIT 15

-- H179 pattern: LIKE prefix
SELECT id, name FROM products WHERE name LIKE 'Smart%' ORDER BY id LIMIT 10
-- H180 pattern: ILIKE anywhere
SELECT id, subject FROM support_tickets WHERE body ILIKE '%refund%' ORDER BY id LIMIT 10
-- H181 pattern: NOT LIKE
SELECT count(*) FROM customers WHERE email NOT LIKE '%@example.com'
-- H182 pattern: regex match
SELECT id, name FROM products WHERE name ~ '^(Eco|Pro) (Bike|Tent)' ORDER BY id
-- H183 pattern: case-insensitive regex
SELECT id, body FROM support_tickets WHERE body ~* 'LOG ?IN' ORDER BY id LIMIT 5
-- H184 pattern: negated regex
SELECT count(*) FROM products WHERE description !~ 'wireless'
-- H185 pattern: SIMILAR TO
SELECT sku FROM products WHERE sku SIMILAR TO 'SKU-00(1|2)%' ORDER BY sku
-- H186 pattern: regexp_replace
SELECT id, regexp_replace(full_name, '\s+', ' ', 'g') AS clean_name FROM customers ORDER BY id LIMIT 5
-- H187 pattern: substring with regex
SELECT id, substring(email FROM '@(.*)$') AS domain FROM customers ORDER BY id LIMIT 5
-- H188 pattern: regexp_split_to_table
SELECT word, count(*) FROM (SELECT regexp_split_to_table(lower(subject), '\s+') AS word FROM support_tickets) w GROUP BY word ORDER BY count(*) DESC, word LIMIT 10
-- H189 pattern: split_part
SELECT split_part(email, '@', 2) AS domain, count(*) FROM customers GROUP BY 1 ORDER BY 2 DESC
-- H190 pattern: LIKE ANY array
SELECT id, subject FROM support_tickets WHERE subject LIKE ANY (ARRAY['Late%', 'Broken%']) ORDER BY id LIMIT 10
-- H191 pattern: ILIKE ANY
SELECT count(*) FROM products WHERE name ILIKE ANY (ARRAY['%kettle%', '%grinder%'])
-- H192 pattern: regexp_like and regexp_count
SELECT id, regexp_count(body, 'e') AS es FROM support_tickets WHERE body ~ 'refund' ORDER BY id LIMIT 5
-- H193 pattern: position and strpos
SELECT id, position('@' IN email) AS at_pos, strpos(email, 'user') AS user_pos FROM customers ORDER BY id LIMIT 3
-- H194 pattern: starts_with
SELECT count(*) FROM products WHERE starts_with(sku, 'SKU-01')
-- H195 pattern: LIKE with ESCAPE
SELECT count(*) FROM products WHERE name LIKE '%\_%' ESCAPE '\'
-- H196 pattern: regexp_substr-like with substring and similar escape
SELECT substring(sku FROM '[0-9]+')::int AS num FROM products ORDER BY num DESC LIMIT 3
-- H197 string: initcap, upper, lower, trim
SELECT initcap(lower(full_name)), upper(left(full_name, 1)), btrim('  ' || full_name || '  ') FROM customers ORDER BY id LIMIT 3
-- H198 string: concat and concat_ws and format
SELECT concat(full_name, ' <', email, '>'), concat_ws(' / ', tier, region_id), format('%s has tier %s', full_name, tier) FROM customers ORDER BY id LIMIT 3
-- H199 string: lpad rpad repeat reverse
SELECT lpad(id::text, 6, '0'), rpad(sku, 12, '.'), repeat('*', (price / 100)::int), reverse(sku) FROM products ORDER BY id LIMIT 5
-- H200 string: length, char_length, octet_length, md5
SELECT name, length(name), char_length(name), octet_length(name), md5(name) FROM products ORDER BY id LIMIT 3
