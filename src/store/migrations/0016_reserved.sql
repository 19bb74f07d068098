-- Reserved for another branch of issue 18 (the lead renumbers at merge); changes nothing.
SELECT 1;
