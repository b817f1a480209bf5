-- Example query for `sophia ingest sql --entity contacts --cursor updated_at`.
-- $1 is the last committed cursor (text, NULL on the first run): cast it to the column's type, keep only
-- newer rows, and ORDER BY the cursor column. Rows that share a cursor value are committed together.
select c.id          as contact_id,
       c.email,
       c.phone,
       c.first_name,
       c.last_name,
       c.job_title,
       c.opted_out,
       c.company_id,
       c.updated_at
  from crm.contacts c
 where $1::timestamptz is null or c.updated_at > $1::timestamptz
 order by c.updated_at
