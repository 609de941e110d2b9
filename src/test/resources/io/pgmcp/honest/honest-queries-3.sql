-- The honest corpus, part 3: dates and calendars, jsonb and jsonpath, arrays, full text.

-- H201 date: orders per month
SELECT date_trunc('month', ordered_at) AS month, count(*) FROM orders GROUP BY 1 ORDER BY 1
-- H202 date: month alias named month
WITH m AS (SELECT date_trunc('month', ordered_at) AS month, count(*) AS n FROM orders GROUP BY 1) SELECT month, n FROM m ORDER BY month
-- H203 date: columns named year and day
SELECT extract(year FROM ordered_at) AS year, extract(day FROM ordered_at) AS day, count(*) FROM orders GROUP BY 1, 2 ORDER BY year, day LIMIT 10
-- H204 date: aliases hour minute second
SELECT extract(hour FROM viewed_at) AS hour, extract(minute FROM viewed_at) AS minute, extract(second FROM viewed_at) AS second FROM page_views WHERE id < 5 ORDER BY id
-- H205 date: week and quarter aliases
SELECT date_part('week', ordered_at) AS week, date_part('quarter', ordered_at) AS quarter, count(*) FROM orders GROUP BY 1, 2 ORDER BY 2, 1 LIMIT 10
-- H206 date: last 30 days relative to a fixed day
SELECT count(*) FROM orders WHERE ordered_at >= timestamptz '2026-01-31' - interval '30 days' AND ordered_at < timestamptz '2026-01-31'
-- H207 date: calendar with generate_series and left join
SELECT d::date AS day, count(o.id) AS orders FROM generate_series(date '2026-01-01', date '2026-01-14', interval '1 day') d LEFT JOIN orders o ON o.ordered_at::date = d::date GROUP BY d ORDER BY d
-- H208 date: weekday names
SELECT to_char(ordered_at, 'Dy') AS weekday, count(*) FROM orders GROUP BY 1, extract(isodow FROM ordered_at) ORDER BY extract(isodow FROM ordered_at)
-- H209 date: age of customers
SELECT id, birth_date, age(date '2026-06-01', birth_date) AS age FROM customers WHERE birth_date IS NOT NULL ORDER BY id LIMIT 5
-- H210 date: years from age
SELECT date_part('year', age(date '2026-06-01', birth_date)) AS years, count(*) FROM customers WHERE birth_date IS NOT NULL GROUP BY 1 ORDER BY 1 LIMIT 10
-- H211 date: interval arithmetic
SELECT id, ordered_at, ordered_at + interval '14 days' AS return_deadline, shipped_at - ordered_at AS shipping_time FROM orders WHERE shipped_at IS NOT NULL ORDER BY id LIMIT 5
-- H212 date: date difference in days
SELECT id, shipped_at::date - ordered_at::date AS days_to_ship FROM orders WHERE shipped_at IS NOT NULL ORDER BY days_to_ship DESC, id LIMIT 5
-- H213 date: AT TIME ZONE
SELECT id, ordered_at AT TIME ZONE 'Europe/Berlin' AS berlin_time, ordered_at AT TIME ZONE 'America/New_York' AS ny_time FROM orders ORDER BY id LIMIT 3
-- H214 date: date_bin for 15 minute buckets
SELECT date_bin(interval '15 minutes', viewed_at, timestamptz '2026-01-01') AS bucket, count(*) FROM page_views WHERE viewed_at >= timestamptz '2026-01-10' AND viewed_at < timestamptz '2026-01-10 03:00' GROUP BY 1 ORDER BY 1
-- H215 date: make_date and make_interval
SELECT make_date(2026, 2, 28) + 1 AS next_day, make_interval(days => 10, hours => 5) AS span, make_timestamp(2026, 3, 1, 12, 30, 0) AS ts
-- H216 date: to_char formats
SELECT to_char(ordered_at, 'YYYY-MM-DD HH24:MI') AS stamp, to_char(total, 'FM999G990D00') AS money FROM orders ORDER BY id LIMIT 3
-- H217 date: to_date and to_timestamp parsing
SELECT to_date('03 Dec 2026', 'DD Mon YYYY') AS d, to_timestamp('2026-12-03 10:15', 'YYYY-MM-DD HH24:MI') AS ts, to_timestamp(1767225600) AS epoch
-- H218 date: extract epoch
SELECT id, extract(epoch FROM shipped_at - ordered_at) / 86400 AS days FROM orders WHERE shipped_at IS NOT NULL ORDER BY id LIMIT 5
-- H219 date: first and last day of month
SELECT date_trunc('month', d)::date AS first_day, (date_trunc('month', d) + interval '1 month - 1 day')::date AS last_day FROM (VALUES (date '2026-02-14'), (date '2024-02-10')) v(d)
-- H220 date: justify_interval
SELECT justify_interval(interval '40 days 30 hours'), justify_days(interval '65 days'), justify_hours(interval '50 hours')
-- H221 date: OVERLAPS
SELECT count(*) FROM support_tickets WHERE (opened_at, coalesce(closed_at, timestamptz '2027-01-01')) OVERLAPS (timestamptz '2025-12-24', timestamptz '2025-12-27')
-- H222 date: isfinite and infinity comparison
SELECT count(*) FROM orders WHERE isfinite(ordered_at) AND ordered_at < 'infinity'::timestamptz
-- H223 date: date_part doy and cohort by signup month
SELECT date_trunc('month', c.created_at)::date AS cohort, count(DISTINCT c.id) AS customers, count(o.id) AS orders FROM customers c LEFT JOIN orders o ON o.customer_id = c.id GROUP BY 1 ORDER BY 1 LIMIT 12
-- H224 date: retention style month offset
SELECT cohort, months_after, count(DISTINCT customer_id) FROM (SELECT o.customer_id, date_trunc('month', c.created_at) AS cohort, (extract(year FROM age(date_trunc('month', o.ordered_at), date_trunc('month', c.created_at))) * 12 + extract(month FROM age(date_trunc('month', o.ordered_at), date_trunc('month', c.created_at))))::int AS months_after FROM orders o JOIN customers c ON c.id = o.customer_id) x WHERE months_after BETWEEN 0 AND 3 GROUP BY 1, 2 ORDER BY 1, 2 LIMIT 20
-- H225 date: current_date and now are fine
SELECT current_date AS today, now() - interval '1 day' AS yesterday, current_timestamp, localtimestamp
-- H226 date: timestamp literal spellings
SELECT TIMESTAMP '2026-01-01 10:00', TIMESTAMP WITH TIME ZONE '2026-01-01 10:00+01', DATE '2026-01-01', TIME '10:30', INTERVAL '2 hours 30 minutes'
-- H227 date: interval with unit qualifier
SELECT INTERVAL '3' DAY, INTERVAL '1-2' YEAR TO MONTH, INTERVAL '10:20' HOUR TO MINUTE
-- H228 date: generate_series of months
SELECT m::date FROM generate_series(timestamp '2025-01-01', timestamp '2025-12-01', interval '1 month') AS m ORDER BY 1
-- H229 date: business days in a month
SELECT count(*) AS business_days FROM generate_series(date '2026-03-01', date '2026-03-31', interval '1 day') d WHERE extract(isodow FROM d) < 6
-- H230 date: time of day buckets
SELECT CASE WHEN ordered_at::time < time '12:00' THEN 'morning' WHEN ordered_at::time < time '18:00' THEN 'afternoon' ELSE 'evening' END AS part_of_day, count(*) FROM orders GROUP BY 1 ORDER BY 1
-- H231 date: date_trunc with time zone argument
SELECT date_trunc('day', ordered_at, 'Asia/Tokyo') AS tokyo_day, count(*) FROM orders GROUP BY 1 ORDER BY 1 LIMIT 5
-- H232 date: week starting Monday
SELECT date_trunc('week', ordered_at)::date AS week_start, sum(total) FROM orders GROUP BY 1 ORDER BY 1 LIMIT 8
-- H233 date: year-over-year comparison using FILTER
SELECT extract(month FROM ordered_at) AS month, sum(total) FILTER (WHERE extract(year FROM ordered_at) = 2025) AS y2025, sum(total) FILTER (WHERE extract(year FROM ordered_at) = 2026) AS y2026 FROM orders GROUP BY 1 ORDER BY 1
-- H234 date: between dates inclusive
SELECT count(*) FROM orders WHERE ordered_at::date BETWEEN '2025-12-01' AND '2025-12-31'
-- H235 date: to_char month name and ordering by month number
SELECT to_char(date_trunc('month', opened_at), 'Month YYYY') AS month_name, count(*) FROM support_tickets GROUP BY date_trunc('month', opened_at) ORDER BY date_trunc('month', opened_at)
-- H236 date: age in whole days with date subtraction
SELECT id, date '2026-06-01' - created_at::date AS days_as_customer FROM customers ORDER BY id LIMIT 5
-- H237 date: timezone function
SELECT timezone('UTC', ordered_at) AS utc_local FROM orders ORDER BY id LIMIT 2
-- H238 date: extract from interval
SELECT extract(day FROM interval '3 days 4 hours') AS d, extract(hour FROM interval '3 days 4 hours') AS h
-- H239 date: generate calendar with week numbers
SELECT d::date, extract(week FROM d) AS iso_week, to_char(d, 'IYYY-IW') AS iso FROM generate_series(date '2026-12-25', date '2027-01-05', interval '1 day') d
-- H240 date: last day via date arithmetic
SELECT (date_trunc('month', date '2026-02-10') + interval '1 month')::date - 1 AS last_day_of_feb

-- H241 json: ->> field
SELECT id, attributes ->> 'plan' AS plan FROM customers ORDER BY id LIMIT 5
-- H242 json: nested path #>>
SELECT attributes #>> '{address,city}' AS city, count(*) FROM customers GROUP BY 1 ORDER BY 2 DESC
-- H243 json: containment @>
SELECT count(*) FROM customers WHERE attributes @> '{"plan": "pro"}'
-- H244 json: key exists ?
SELECT count(*) FROM orders WHERE metadata ? 'gift'
-- H245 json: any key exists ?|
SELECT count(*) FROM customers WHERE attributes ?| ARRAY['newsletter', 'vip']
-- H246 json: all keys exist ?&
SELECT count(*) FROM customers WHERE attributes ?& ARRAY['plan', 'address']
-- H247 json: jsonpath exists @?
SELECT count(*) FROM customers WHERE attributes @? '$.interests[*] ? (@ == "books")'
-- H248 json: jsonpath predicate @@
SELECT count(*) FROM orders WHERE metadata @@ '$.items_hint > 2'
-- H249 json: jsonb_path_query
SELECT id, jsonb_path_query(attributes, '$.address.city') AS city FROM customers ORDER BY id LIMIT 5
-- H250 json: jsonb_path_query_first and _array
SELECT id, jsonb_path_query_first(attributes, '$.interests[0]') AS first_interest, jsonb_path_query_array(attributes, '$.interests[*]') AS all_interests FROM customers ORDER BY id LIMIT 5
-- H251 json: jsonb_path_exists with vars
SELECT count(*) FROM orders WHERE jsonb_path_exists(metadata, '$.items_hint ? (@ >= $min)', '{"min": 3}')
-- H252 json: cast of json field
SELECT (metadata ->> 'items_hint')::int AS hint, count(*) FROM orders GROUP BY 1 ORDER BY 1
-- H253 json: boolean field
SELECT (metadata -> 'gift')::boolean AS gift, count(*) FROM orders GROUP BY 1 ORDER BY 1
-- H254 json: jsonb_build_object result
SELECT jsonb_build_object('id', id, 'sku', sku, 'price', price) AS doc FROM products ORDER BY id LIMIT 3
-- H255 json: jsonb_array_length
SELECT id, jsonb_array_length(attributes -> 'interests') AS n FROM customers ORDER BY id LIMIT 5
-- H256 json: jsonb_typeof
SELECT jsonb_typeof(attributes -> 'newsletter') AS t, count(*) FROM customers GROUP BY 1
-- H257 json: jsonb_object_keys
SELECT k, count(*) FROM orders, jsonb_object_keys(metadata) k GROUP BY k ORDER BY k
-- H258 json: jsonb_each_text
SELECT e.key, e.value FROM customers c, jsonb_each_text(c.attributes) e WHERE c.id = 1 ORDER BY e.key
-- H259 json: jsonb_to_record
SELECT r.plan, r.newsletter FROM customers c, jsonb_to_record(c.attributes) AS r(plan text, newsletter boolean) WHERE c.id < 4 ORDER BY c.id
-- H260 json: jsonb_set and minus in projection
SELECT jsonb_set(metadata, '{reviewed}', 'true') - 'source' AS edited FROM orders ORDER BY id LIMIT 2
-- H261 json: concatenation ||
SELECT metadata || jsonb_build_object('channel', channel) FROM orders ORDER BY id LIMIT 2
-- H262 json: jsonb_pretty and to_jsonb
SELECT jsonb_pretty(to_jsonb(r)) FROM (SELECT id, name FROM regions) r ORDER BY 1 LIMIT 2
-- H263 json: json_agg of a subquery row
SELECT json_agg(t) FROM (SELECT id, name FROM categories WHERE parent_id = 2 ORDER BY id) t
-- H264 json: row_to_json of an allowed derived row
SELECT row_to_json(x) FROM (SELECT id, status, total FROM orders ORDER BY id LIMIT 3) x
-- H265 json: jsonb_strip_nulls
SELECT jsonb_strip_nulls(jsonb_build_object('a', 1, 'b', NULL))
-- H266 json: json operators on json type
SELECT '{"a": {"b": [1, 2, 3]}}'::json -> 'a' -> 'b' ->> 1 AS second
-- H267 json: subscripting jsonb
SELECT attributes['address']['city'] AS city FROM customers ORDER BY id LIMIT 3
-- H268 json: jsonb_array_elements with ordinality
SELECT c.id, e.value, e.ordinality FROM customers c, jsonb_array_elements(c.attributes -> 'interests') WITH ORDINALITY e WHERE c.id = 2 ORDER BY e.ordinality
-- H269 json: jsonpath with filter and like_regex
SELECT count(*) FROM customers WHERE attributes @? '$.address.city ? (@ like_regex "^Ber")'
-- H270 json: jsonb_path_match with a boolean jsonpath
SELECT count(*) FROM orders WHERE jsonb_path_match(metadata, 'exists($.gift ? (@ == true))')

-- H271 array: = ANY(ARRAY[...])
SELECT id, status FROM orders WHERE status = ANY (ARRAY['paid', 'shipped']) ORDER BY id LIMIT 10
-- H272 array: = ANY('{...}') literal
SELECT count(*) FROM orders WHERE status = ANY ('{refunded,cancelled}')
-- H273 array: <> ALL
SELECT count(*) FROM orders WHERE channel <> ALL (ARRAY['web', 'app'])
-- H274 array: = SOME
SELECT count(*) FROM products WHERE category_id = SOME (ARRAY[5, 6, 7])
-- H275 array: tag contains @>
SELECT id, name, tags FROM products WHERE tags @> ARRAY['sale'] ORDER BY id LIMIT 10
-- H276 array: overlap &&
SELECT count(*) FROM products WHERE tags && ARRAY['eco', 'refurbished']
-- H277 array: contained by <@
SELECT count(*) FROM products WHERE tags <@ ARRAY['new', 'sale', 'eco']
-- H278 array: value = ANY(column)
SELECT id, labels FROM support_tickets WHERE 'urgent' = ANY (labels) ORDER BY id LIMIT 10
-- H279 array: array_length and cardinality
SELECT id, array_length(tags, 1), cardinality(tags) FROM products ORDER BY id LIMIT 5
-- H280 array: unnest and count
SELECT tag, count(*) FROM products, unnest(tags) AS tag GROUP BY tag ORDER BY count(*) DESC, tag
-- H281 array: array_position and array_remove
SELECT id, array_position(tags, 'sale') AS sale_pos, array_remove(tags, 'new') AS without_new FROM products ORDER BY id LIMIT 5
-- H282 array: array_to_string and string_to_array
SELECT array_to_string(tags, '|') AS joined, string_to_array('a,b,c', ',') AS split FROM products ORDER BY id LIMIT 3
-- H283 array: slices and subscripts
SELECT id, tags[1] AS first_tag, tags[1:1] AS first_slice FROM products ORDER BY id LIMIT 3
-- H284 array: array concatenation and append
SELECT tags || ARRAY['featured'] AS more, array_append(tags, 'x'), array_prepend('y', tags) FROM products ORDER BY id LIMIT 2
-- H285 array: array_agg then unnest round trip
SELECT unnest(array_agg(DISTINCT tier)) AS tier FROM customers
-- H286 array: multi-argument unnest
SELECT * FROM unnest(ARRAY[1, 2, 3], ARRAY['a', 'b', 'c']) AS u(n, letter)
-- H287 array: ANY with subquery array column
SELECT count(*) FROM support_tickets WHERE labels && (SELECT array_agg(DISTINCT t) FROM products, unnest(tags) t WHERE t = 'sale')
-- H288 array: array_dims and array_upper
SELECT array_dims(tags), array_upper(tags, 1), array_lower(tags, 1) FROM products ORDER BY id LIMIT 2
-- H289 array: ARRAY constructor literal types
SELECT ARRAY[1, 2, 3]::int[] AS ints, '{1.5,2.5}'::numeric[] AS nums, ARRAY['x']::text[] AS texts
-- H290 array: array comparison with equality
SELECT count(*) FROM products WHERE tags = ARRAY['new', 'sale']

-- H291 fts: to_tsvector @@ plainto_tsquery on the stored column
SELECT id, name FROM products WHERE search @@ plainto_tsquery('english', 'wireless travel') ORDER BY id LIMIT 10
-- H292 fts: websearch_to_tsquery
SELECT id, name FROM products WHERE search @@ websearch_to_tsquery('english', 'coffee -wireless') ORDER BY id LIMIT 10
-- H293 fts: ranking
SELECT id, name, ts_rank(search, query) AS rank FROM products, to_tsquery('english', 'durable | quiet') query WHERE search @@ query ORDER BY rank DESC, id LIMIT 10
-- H294 fts: ts_rank_cd and headline
SELECT id, ts_headline('english', description, to_tsquery('english', 'office'), 'MaxWords=8, MinWords=3') FROM products WHERE search @@ to_tsquery('english', 'office') ORDER BY id LIMIT 5
-- H295 fts: on-the-fly tsvector over tickets
SELECT id, subject FROM support_tickets WHERE to_tsvector('english', body) @@ to_tsquery('english', 'refund & kettle') ORDER BY id LIMIT 5
-- H296 fts: phrase query
SELECT count(*) FROM support_tickets WHERE to_tsvector('english', body) @@ phraseto_tsquery('english', 'password reset')
-- H297 fts: prefix match
SELECT id, name FROM products WHERE search @@ to_tsquery('english', 'water:*') ORDER BY id LIMIT 5
-- H298 fts: ts_rank_cd with weights
SELECT id, ts_rank_cd(setweight(to_tsvector('english', name), 'A') || setweight(to_tsvector('english', coalesce(description, '')), 'B'), plainto_tsquery('english', 'compact')) AS score FROM products ORDER BY score DESC, id LIMIT 5
-- H299 fts: tsquery operators
SELECT count(*) FROM products WHERE search @@ (to_tsquery('english', 'home') && !! to_tsquery('english', 'quiet'))
-- H300 fts: numnode and querytree of a literal query
SELECT numnode(plainto_tsquery('english', 'cheap fast laptop')), querytree(to_tsquery('english', 'a & laptop'))
