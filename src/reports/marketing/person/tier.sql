-- Value tier (docs/metrics.md "Profile"): the share of persons with orders whose order value is at most this person's
-- (cume_dist over customers.order_value > 0).
select cd, n from (
  select customer_id, cume_dist() over (order by order_value) as cd, count(*) over () as n
  from customers where order_value > 0
) where customer_id = $person
