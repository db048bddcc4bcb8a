--
-- PostgreSQL database dump
--

\restrict yvPPOqbRNCSzh9ruqsTbTujCc5EbgL40f6jJ7XEamtmlYIiJl5tCeRI8FKe2VrT

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: api_keys; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.api_keys (
    public_id text NOT NULL,
    key_id text NOT NULL,
    tenant_id text NOT NULL,
    environment text NOT NULL,
    secret_hash text NOT NULL,
    state text NOT NULL,
    expires_at bigint,
    plan text NOT NULL,
    version bigint NOT NULL,
    updated_at bigint NOT NULL,
    last_used_at bigint,
    usage_flushed_at bigint
);


--
-- Name: checkpoint_balances; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.checkpoint_balances (
    checkpoint_id text NOT NULL,
    "position" bigint NOT NULL,
    customer_id text NOT NULL,
    customer_seq bigint NOT NULL,
    last_index bigint NOT NULL,
    balance bigint NOT NULL
);


--
-- Name: checkpoints; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.checkpoints (
    checkpoint_id text NOT NULL,
    tenant_id text NOT NULL,
    period text NOT NULL,
    time_preset text,
    window_start bigint NOT NULL,
    window_end bigint NOT NULL,
    from_size bigint NOT NULL,
    to_size bigint NOT NULL,
    proof_root text NOT NULL,
    prev_root text NOT NULL,
    balances_root text NOT NULL,
    customer_count bigint NOT NULL,
    delta_count bigint NOT NULL,
    net_change bigint NOT NULL,
    closed_at bigint NOT NULL,
    created_at bigint NOT NULL,
    note text NOT NULL,
    statement text NOT NULL,
    signature text NOT NULL,
    consistency text NOT NULL
);


--
-- Name: deltas; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.deltas (
    record_id text NOT NULL,
    receipt_id text NOT NULL,
    tenant_id text NOT NULL,
    customer_id text NOT NULL,
    amount bigint NOT NULL,
    reason text NOT NULL,
    reference_id text,
    idempotency_key text,
    request_hash text NOT NULL,
    canonical text NOT NULL,
    content_hash text NOT NULL,
    adjusts text,
    status text NOT NULL,
    created_at bigint NOT NULL,
    log_index bigint,
    customer_seq bigint,
    prev_index bigint,
    balance_after bigint,
    recorded_at bigint,
    verified_at bigint,
    head_size bigint
);


--
-- Name: log_customers; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.log_customers (
    tenant_id text NOT NULL,
    customer_id text NOT NULL,
    last_seq bigint NOT NULL,
    last_index bigint NOT NULL,
    balance bigint NOT NULL,
    first_at bigint NOT NULL,
    last_at bigint NOT NULL
);


--
-- Name: log_tiles; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.log_tiles (
    tenant_id text NOT NULL,
    level integer NOT NULL,
    idx bigint NOT NULL,
    hashes bytea NOT NULL
);


--
-- Name: schema_migrations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.schema_migrations (
    version text NOT NULL,
    applied_at bigint NOT NULL
);


--
-- Name: tenant_ledgers; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tenant_ledgers (
    tenant_id text NOT NULL,
    environment text NOT NULL,
    origin text NOT NULL,
    key_name text NOT NULL,
    public_key text NOT NULL,
    private_key text NOT NULL,
    tree_size bigint NOT NULL,
    root_hash text NOT NULL,
    checkpoint text NOT NULL,
    created_at bigint NOT NULL,
    lease_owner text,
    lease_until bigint,
    signed_at bigint
);


--
-- Data for Name: api_keys; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.api_keys (public_id, key_id, tenant_id, environment, secret_hash, state, expires_at, plan, version, updated_at, last_used_at, usage_flushed_at) FROM stdin;
T2kkUDC7a8XA0AscWjkU	key_01m4jtydrje76rvqdw56tccq8m	tnt_01m4jtydgnfbwvm2pynh73z5yg	test	33d180728ed704361fb0eeb61aeb649045fca4c838c5d846761c9f34aa03e994	active	\N	free	1	1791633602330	1794312004925	1794312004969
\.


--
-- Data for Name: checkpoint_balances; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.checkpoint_balances (checkpoint_id, "position", customer_id, customer_seq, last_index, balance) FROM stdin;
chk_01m72n8q8we63v7xey3r24q62t	0	東京-01	3	15	190
chk_01m72n8q8we63v7xey3r24q62t	1	beta_test	2	13	999999999
chk_01m72n8q8we63v7xey3r24q62t	2	initech	3	17	22
chk_01m72n8q8we63v7xey3r24q62t	3	müller-gmbh	2	6	233
chk_01m72n8q8we63v7xey3r24q62t	4	acme/eu	5	14	592
chk_01m72n8q8we63v7xey3r24q62t	5	Globex Corp	3	16	451
chk_01m72n8q9se6m8cregtn0y13as	0	東京-01	5	26	188
chk_01m72n8q9se6m8cregtn0y13as	1	beta_test	4	30	2
chk_01m72n8q9se6m8cregtn0y13as	2	initech	6	33	86
chk_01m72n8q9se6m8cregtn0y13as	3	müller-gmbh	6	36	195
chk_01m72n8q9se6m8cregtn0y13as	4	acme/eu	10	34	903
chk_01m72n8q9se6m8cregtn0y13as	5	Globex Corp	6	32	92
\.


--
-- Data for Name: checkpoints; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.checkpoints (checkpoint_id, tenant_id, period, time_preset, window_start, window_end, from_size, to_size, proof_root, prev_root, balances_root, customer_count, delta_count, net_change, closed_at, created_at, note, statement, signature, consistency) FROM stdin;
chk_01m72n8q8we63v7xey3r24q62t	tnt_01m4jtydgnfbwvm2pynh73z5yg	2026-10	\N	1790812800000	1793491200000	0	18	f096e171664d531d4ea3570eb89c165c306fabb12c2f2fda681dc87a2f618fcd	e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855	1d9abeb738dffecabfa791fe9fbbf65a5cf92e86b6ade8995b322c5c83c1c96c	6	18	1000001487	1793491200000	1794312002827	sandbox.pacspace.local/tnt_01m4jtydgnfbwvm2pynh73z5yg/sandbox\n18\n8JbhcWZNUx1Oo1cOuJwWXDBvq7EsLy/aaB3Iei9hj80=\n\n— sandbox.pacspace.local/tnt_01m4jtydgnfbwvm2pynh73z5yg/sandbox 6Fl/xjXvrgtQWXb7G53Q7YhOIgjY0OH2+Tk8hlTB7kZzvCdJO4rbEwH8a1sIAawiOJTnvIbTaZj9svweVMRr53BhKQU=\n	{"v":1,"origin":"sandbox.pacspace.local/tnt_01m4jtydgnfbwvm2pynh73z5yg/sandbox","period":"2026-10","startDate":"2026-10-01T00:00:00.000Z","endDate":"2026-11-01T00:00:00.000Z","fromSize":0,"toSize":18,"rootHash":"f096e171664d531d4ea3570eb89c165c306fabb12c2f2fda681dc87a2f618fcd","prevRoot":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","balancesRoot":"1d9abeb738dffecabfa791fe9fbbf65a5cf92e86b6ade8995b322c5c83c1c96c","customerCount":6,"deltaCount":18,"netChange":"1000001487","closedAt":"2026-11-01T00:00:00.000Z"}	PjuDK/x4IDiidonNr7ulUYF4OrRZXyGe+VMZkYhNlEmROM5sjw/bhNBa5De3siLdDk9DKt2bfo+k/FT3yNAfAQ==	[]
chk_01m72n8q9se6m8cregtn0y13as	tnt_01m4jtydgnfbwvm2pynh73z5yg	2026-11	\N	1793491200000	1796083200000	18	37	ad39d3d4f6f20637d376916ac145b34ff010bc515f34d274ed5d84ce1466a8ee	f096e171664d531d4ea3570eb89c165c306fabb12c2f2fda681dc87a2f618fcd	d518a394398ccf49226516d40debc3017aa213bcf644365c5c28dc2a107b8f63	6	19	-1000000021	1794312002857	1794312002857	sandbox.pacspace.local/tnt_01m4jtydgnfbwvm2pynh73z5yg/sandbox\n37\nrTnT1PbyBjfTdpFqwUWzT/AQvFFfNNJ07V2EzhRmqO4=\n\n— sandbox.pacspace.local/tnt_01m4jtydgnfbwvm2pynh73z5yg/sandbox 6Fl/xnh9Q3B4/vZqk4BXGytwzMS2ycL+KVqzPNuLOM3MaSnfcn/9niHuLQvN99UWSgr2jI99hgteMl+Q+wZGrNTkwgc=\n	{"v":1,"origin":"sandbox.pacspace.local/tnt_01m4jtydgnfbwvm2pynh73z5yg/sandbox","period":"2026-11","startDate":"2026-11-01T00:00:00.000Z","endDate":"2026-12-01T00:00:00.000Z","fromSize":18,"toSize":37,"rootHash":"ad39d3d4f6f20637d376916ac145b34ff010bc515f34d274ed5d84ce1466a8ee","prevRoot":"f096e171664d531d4ea3570eb89c165c306fabb12c2f2fda681dc87a2f618fcd","balancesRoot":"d518a394398ccf49226516d40debc3017aa213bcf644365c5c28dc2a107b8f63","customerCount":6,"deltaCount":19,"netChange":"-1000000021","closedAt":"2026-11-10T12:00:02.857Z"}	b1DK3nxVkzIKaxtm7TLZiMPFmdbKgvbIzbCwBFVVMHo2NHM2fN3Rne3NxP3UTnh+fXi1+Kcex51Ypl7OM4guAw==	["91b7d17cf39f7b109283d37a5cbfb5322dae0d46b41c0b90e833899ff04b6875","896b87480308eb3724d62c40cc00882e32c8285f5f17e5c9e63fe276e0f8e66a","a9de02a1cfcaf740266b0cd9bec24b2e685832ae930c46f067c3328b2c329288","4b7975c6599b66189500332a714a4c90e26be0026408183b4e2a35de21c012a5","551ab6ce36be2c874a9de4734db601100a52706c4ffcc7fdf79a20a2e0fd5b89","1fc743f9851f8782aeee562ef4feda170c91e3de6b0a3b9741bea7940717db01"]
\.


--
-- Data for Name: deltas; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.deltas (record_id, receipt_id, tenant_id, customer_id, amount, reason, reference_id, idempotency_key, request_hash, canonical, content_hash, adjusts, status, created_at, log_index, customer_seq, prev_index, balance_after, recorded_at, verified_at, head_size) FROM stdin;
rec_01m4jtyds1et19rkhqq78h64nz	rcp_01m4jtyds1fvd9t1ar17vn6caz	tnt_01m4jtydgnfbwvm2pynh73z5yg	acme/eu	1000	prepaid credits	inv-2001	\N	fa356351b9c4133aec4b7c2923b968a0d178d37d317333693105e8a2cddb025f	{"amount":"1000","customerId":"acme/eu","env":"sandbox","metadata":{"plan":"growth","region":"eu-west-1","tags":["prepaid","annual"]},"reason":"prepaid credits","referenceId":"inv-2001","tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	c3d338d67c13d86217a1464b78024b7493d50ad4f08b27457a7226a52027dbdd	\N	VERIFIED	1791633602336	0	1	\N	1000	1791633602481	1791633602481	18
rec_01m4jtyds7e1h90889bynaa8n2	rcp_01m4jtyds7e74v0frntprqjb2r	tnt_01m4jtydgnfbwvm2pynh73z5yg	acme/eu	-120	API calls	\N	acme-usage-0001	d744bb4a9071ef5c299c5c3a54ef67da163b7a6af03a4213658971291c345846	{"amount":"-120","customerId":"acme/eu","env":"sandbox","metadata":null,"reason":"API calls","referenceId":null,"tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	da8953176f8cd06f20f16c8d5a0f20007c3bb4efadd0e05d309cc0da00dd60c7	\N	VERIFIED	1791633602342	1	2	0	880	1791633602481	1791633602481	18
rec_01m4jtydsbemta2n1z5xfvnyz2	rcp_01m4jtydsbemt9bmmzxrhemc8f	tnt_01m4jtydgnfbwvm2pynh73z5yg	acme/eu	-35	API calls	\N	\N	e6901b15443a7e0eb88f8d0978e361c89c1ab026c3a3db9d3a67179bedc693b2	{"amount":"-35","customerId":"acme/eu","env":"sandbox","metadata":null,"reason":"API calls","referenceId":null,"tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	aa5c938a5034dde6dec71236f673c9ffd3d1b9f218f2d8a184084c1b1ede72ad	\N	VERIFIED	1791633602347	2	3	1	845	1791633602481	1791633602481	18
rec_01m4jtydsde6aswwhz54g8z6ae	rcp_01m4jtydsdfgra32egx2fxhfe6	tnt_01m4jtydgnfbwvm2pynh73z5yg	Globex Corp	500	top-up	inv-2002	\N	1ce469b85f45a8cbca908bc37a936f4d4699ea793a4ef33d0068e4b0d786d814	{"amount":"500","customerId":"Globex Corp","env":"sandbox","metadata":null,"reason":"top-up","referenceId":"inv-2002","tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	4421ada4ee3ae449256b8f1ee6a9dcf398a6ab6071325b2e99b789a2451cc241	\N	VERIFIED	1791633602348	3	1	\N	500	1791633602481	1791633602481	18
rec_01m4jtydsefrdb9cnwjc1pnpex	rcp_01m4jtydseebkss8yz7axashzt	tnt_01m4jtydgnfbwvm2pynh73z5yg	Globex Corp	-42	storage GB-hours	\N	\N	f45425f0f52266bf3a50b470adad887664ed83b9625d691d458a7ebb0071d2aa	{"amount":"-42","customerId":"Globex Corp","env":"sandbox","metadata":{"bucket":{"class":"cold","labels":{"cost-centre":"42","team":"sre"},"name":"logs"},"note":"Größe geprüft ✓"},"reason":"storage GB-hours","referenceId":null,"tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	5ff09bdef4e741bae74c0a21e6fae8ee9532373aba46f478a8c770a864592b74	\N	VERIFIED	1791633602350	4	2	3	458	1791633602481	1791633602481	18
rec_01m4jtydshe8q9p62rz857gy0t	rcp_01m4jtydshf6cv1afqacqfr42z	tnt_01m4jtydgnfbwvm2pynh73z5yg	müller-gmbh	250	Gutschrift	inv-2003	\N	3f7068fcb43d5ca812a292c0a7d62ba68937b5a33b18f1e6430ed062116f04be	{"amount":"250","customerId":"müller-gmbh","env":"sandbox","metadata":{"bestätigt":true,"kunde":{"name":"Müller GmbH","ort":"Köln"},"storniert":false,"vermerk":null},"reason":"Gutschrift","referenceId":"inv-2003","tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	14113699ca6056ae7836ac2e0add9e6c12bae12029ef8218dd1a3bb0674db709	\N	VERIFIED	1791633602351	5	1	\N	250	1791633602481	1791633602481	18
rec_01m4jtydskf8gveh68pk0w4b3q	rcp_01m4jtydske5rbkv986zf11wbw	tnt_01m4jtydgnfbwvm2pynh73z5yg	müller-gmbh	-17	Übertragung 17 GB	\N	\N	44e74e0dcd08b35f526616f779b48a2c1102149896d3b2272e50cbf212e9f06b	{"amount":"-17","customerId":"müller-gmbh","env":"sandbox","metadata":null,"reason":"Übertragung 17 GB","referenceId":null,"tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	64fa387608930c3c8c513c8eddcc6f47bb2643d4cc3a76e4ba5fb82826b07233	\N	VERIFIED	1791633602355	6	2	5	233	1791633602481	1791633602481	18
rec_01m4jtydsnf0ptk8x6p5m2d4t1	rcp_01m4jtydsneadtgzaw0sy70w9j	tnt_01m4jtydgnfbwvm2pynh73z5yg	東京-01	300	チャージ	\N	tokyo-topup-1	e21d92c911d8cbf45f7e251fd5a2c1c3c30f400de62066283114db70b8576a40	{"amount":"300","customerId":"東京-01","env":"sandbox","metadata":{"emoji":"🚀","quote":"she said \\"hi\\" \\\\ bye","地域":"東京","通貨":"JPY"},"reason":"チャージ","referenceId":null,"tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	923cf6b8dc9692559c78711d6c2274a9849f031670a671180890e3221d66c475	\N	VERIFIED	1791633602356	7	1	\N	300	1791633602481	1791633602481	18
rec_01m4jtydspf1y8ex5ahf61ac6p	rcp_01m4jtydspfzsbeam0myfgpsvg	tnt_01m4jtydgnfbwvm2pynh73z5yg	東京-01	-99	API 呼び出し	\N	\N	ccd1ca3e4f300d4ca743f73fc4521b20ee0b05b8be7459cc164c170fad239f93	{"amount":"-99","customerId":"東京-01","env":"sandbox","metadata":null,"reason":"API 呼び出し","referenceId":null,"tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	7afdc870b364c1c46618975eee0992fc406921f9d165dc31056d212c38cba002	\N	VERIFIED	1791633602358	8	2	7	201	1791633602481	1791633602481	18
rec_01m4jtydsqezwrtdnjpjh6jkkb	rcp_01m4jtydsqetrbvn0zxrwa3n5q	tnt_01m4jtydgnfbwvm2pynh73z5yg	initech	-5	TPS reports	\N	\N	0bd9f597239a1ffdd9f048550e0958045695c9c47728e2cff609dd4b9558a223	{"amount":"-5","customerId":"initech","env":"sandbox","metadata":{"empty":{},"nested":{"deep":{"deeper":{"list":["a","b",{"c":"d"}],"value":"yes"}}},"none":[]},"reason":"TPS reports","referenceId":null,"tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	dbebea620b81b6e1a3f7fc27f609739857cd8c51a1fd09d51aeda498e22217f6	\N	VERIFIED	1791633602359	9	1	\N	-5	1791633602481	1791633602481	18
rec_01m4jtydsse5m8csyq25erqnps	rcp_01m4jtydsseearb2c4dx2k383w	tnt_01m4jtydgnfbwvm2pynh73z5yg	initech	40	credit	\N	\N	6f294d71ab24481fe321f614f4e3ea583fcba50f26fb2d6342d4a1ef079a2a4d	{"amount":"40","customerId":"initech","env":"sandbox","metadata":null,"reason":"credit","referenceId":null,"tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	ed6cd106a29d71d21abe7675c3cd5f613981aa39c32c1419d5de1251c4670a96	\N	VERIFIED	1791633602360	10	2	9	35	1791633602481	1791633602481	18
rec_01m4jtydste958rrzr49b6e3vp	rcp_01m4jtydstfwesh0r2ksq7eb23	tnt_01m4jtydgnfbwvm2pynh73z5yg	beta_test	1000000000	largest credit	beta-max	\N	538d0c5295fa53b82f48b5e9dbb92bfc3a4b81b42580449d97445684e1fe685c	{"amount":"1000000000","customerId":"beta_test","env":"sandbox","metadata":null,"reason":"largest credit","referenceId":"beta-max","tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	ef400fab24d0e49c34edb57dd0885475f951075d6f675a7cc1bb91b4203af833	\N	VERIFIED	1791633602362	11	1	\N	1000000000	1791633602481	1791633602481	18
rec_01m4jtydswf9bbefhwj1qj9ep5	rcp_01m4jtydswe55aks2jdvyfx7z9	tnt_01m4jtydgnfbwvm2pynh73z5yg	acme/eu	-250	batch export	usage-acme-p1	acme-export-1	3e514b1923b50370f04df02fb9fbc92fa1007ca2afb47a3d95bb47d2064b4833	{"amount":"-250","customerId":"acme/eu","env":"sandbox","metadata":null,"reason":"batch export","referenceId":"usage-acme-p1","tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	db0d1c265c1aa241a3beadac148f45d188e495687a8aa5ef3ea3ef014f987244	\N	VERIFIED	1791633602363	12	4	2	595	1791633602481	1791633602481	18
rec_01m4jtydsxfrd929g2qmjvfv5m	rcp_01m4jtydsxee4bek05a97s88zj	tnt_01m4jtydgnfbwvm2pynh73z5yg	beta_test	-1	ping	\N	\N	c073373209947d3a1dbcd8119e6e9f294e919bb93555e4c1988364e93ee7a3a8	{"amount":"-1","customerId":"beta_test","env":"sandbox","metadata":null,"reason":"ping","referenceId":null,"tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	c2694153bd8f9f50c764c176370beb1b9ea4ab97846993bd482675021267d3a7	\N	VERIFIED	1791633602365	13	2	11	999999999	1791633602481	1791633602481	18
rec_01m4jtydt0eqbbcf4149hjc3p0	rcp_01m4jtydt0fxtr1j5t5hevbkcz	tnt_01m4jtydgnfbwvm2pynh73z5yg	acme/eu	-3	batched usage	batch-acme-1	batch-p1#0	4d8fc3b5e625fb99dea97e3808d606d74125cc7814bd9ccb298381d40d310de9	{"amount":"-3","customerId":"acme/eu","env":"sandbox","metadata":null,"reason":"batched usage","referenceId":"batch-acme-1","tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	108e38a2ee0335aaa36a0a07eb4e2dc57018c28dd9ffdf6ac5a6977789174dc6	\N	VERIFIED	1791633602367	14	5	12	592	1791633602481	1791633602481	18
rec_01m4jtydt0f5ptqrp9z407efe8	rcp_01m4jtydt0ev9bpenmrjz01k3y	tnt_01m4jtydgnfbwvm2pynh73z5yg	東京-01	-11	batched usage	\N	batch-p1#2	8d867353ee544632a98c0e4f61813c1ae0cb2d3f53f305454dae3fea4767dbd8	{"amount":"-11","customerId":"東京-01","env":"sandbox","metadata":{"source":"バッチ"},"reason":"batched usage","referenceId":null,"tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	1ff94d49aae072d4329e293c9e67ed9a8b669d3cd1f701570cb5767d9674f3c7	\N	VERIFIED	1791633602367	15	3	8	190	1791633602481	1791633602481	18
rec_01m4jtydt0f73905hb8nscrpv1	rcp_01m4jtydt0e889vfgykqd122kg	tnt_01m4jtydgnfbwvm2pynh73z5yg	Globex Corp	-7	batched usage	\N	batch-p1#1	459e6f63fd31ad5e8c0bca92a0c8f41dccf2eb8b14907e631c460db855938ba2	{"amount":"-7","customerId":"Globex Corp","env":"sandbox","metadata":null,"reason":"batched usage","referenceId":null,"tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	a0d2f2eac9b0119850d6b649b9c2b56079f266ae9b83419671bf31d7fd142b6f	\N	VERIFIED	1791633602367	16	3	4	451	1791633602481	1791633602481	18
rec_01m4jtydt0fv79gv0j36y3s1yz	rcp_01m4jtydt0ep5t6q0yay6gnc2b	tnt_01m4jtydgnfbwvm2pynh73z5yg	initech	-13	batched usage	\N	batch-p1#3	25a5b1fddec20280495f57bc4030a59d267ff77574b575e9b4edb7034c3a9718	{"amount":"-13","customerId":"initech","env":"sandbox","metadata":null,"reason":"batched usage","referenceId":null,"tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	bcb2cdc34c6f9cdc8fc796509e5d0357051b60193d84f8956c11368526d3c864	\N	VERIFIED	1791633602367	17	3	10	22	1791633602481	1791633602481	18
rec_01m72n8q11enwr858rmdmrg6vx	rcp_01m72n8q11evstxbf0cyvd1wr8	tnt_01m4jtydgnfbwvm2pynh73z5yg	東京-01	-1	ping	\N	\N	a2dfaa543678f558e4b2e448de0cfb93659729485d975359a95276f9878eca6f	{"amount":"-1","customerId":"東京-01","env":"sandbox","metadata":null,"reason":"ping","referenceId":null,"tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	c2510947d8cac6ea63bf5807633b3f4286220dbb780e056cb397c488de72456c	\N	VERIFIED	1794312002591	26	5	25	188	1794312002598	1794312002598	27
rec_01m72n8q1afdnv575rh33nge5k	rcp_01m72n8q1aezn8ktvq397ahv5n	tnt_01m4jtydgnfbwvm2pynh73z5yg	initech	100	credit	inv-2004	initech-credit-2	c4cbb8b66f554159f500c0dbb4853100fc0bddc878689b301ca838a63d9024e5	{"amount":"100","customerId":"initech","env":"sandbox","metadata":null,"reason":"credit","referenceId":"inv-2004","tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	f5d333ccf2d446019731d15d6eea07728ccb467aca865e32a7aa6c59f87b33b0	\N	VERIFIED	1794312002599	27	4	17	122	1794312002707	1794312002707	37
rec_01m72n8q1fe47agcxny1grp0pv	rcp_01m72n8q1feq3sjd85jv4eafqa	tnt_01m4jtydgnfbwvm2pynh73z5yg	beta_test	-999999999	largest debit	\N	\N	9db41c61b554bac1df8a390f7040183c68c3251aa9e38d6f1bab899c3fbd8faa	{"amount":"-999999999","customerId":"beta_test","env":"sandbox","metadata":null,"reason":"largest debit","referenceId":null,"tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	c2ddd95d9e3999d6887cd8c0eb38a3764ebacc1fb51cd63186e1dd4ec00c6f5b	\N	VERIFIED	1794312002607	29	3	13	0	1794312002707	1794312002707	37
rec_01m72n8q1mex5s8x8rxw9h880p	rcp_01m72n8q1mf9zthtwkjnjdbnas	tnt_01m4jtydgnfbwvm2pynh73z5yg	acme/eu	-8	API calls	\N	\N	6c36e260e3af9a67bdf45319b05919ae5806f8a29bd4d853ac3e1f044bd6ad0a	{"amount":"-8","customerId":"acme/eu","env":"sandbox","metadata":{"long":"ÄÖÜäöüß€ — “quotes” ‘single’ … 中文 한국어 עברית العربية"},"reason":"API calls","referenceId":null,"tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	0686c9c63ad84dd3286a7e5e17c0f7686aa3bbf1e68a080bbc6dfd580d828648	\N	VERIFIED	1794312002611	31	9	20	403	1794312002707	1794312002707	37
rec_01m72n8q1reh3bxnnkvf25a4g8	rcp_01m72n8q1rfnbaj4xvx9dgpqbk	tnt_01m4jtydgnfbwvm2pynh73z5yg	initech	-9	API calls	\N	\N	55ef65e55d519fa65e3717ede165ecdc366678f5261b22df17efae3dce8e1a5d	{"amount":"-9","customerId":"initech","env":"sandbox","metadata":null,"reason":"API calls","referenceId":null,"tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	32177ebaeb31b249b5311c3af736857f60d151f0de0fa2177650691bb7f94242	\N	VERIFIED	1794312002616	33	6	28	86	1794312002707	1794312002707	37
rec_01m72n8q1xe1ntkrwb3k6cqk7q	rcp_01m72n8q1xehzt1cwf07vvtd28	tnt_01m4jtydgnfbwvm2pynh73z5yg	müller-gmbh	-1	ping	\N	\N	6616c3aab86812cf396e274455396b355b9965e7b17206a9621cd3a08de10d98	{"amount":"-1","customerId":"müller-gmbh","env":"sandbox","metadata":null,"reason":"ping","referenceId":null,"tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	ed3b8e4d36730d0ee4539cbe864b205cc32aa02acd1f052e16f1a0db35e35823	\N	VERIFIED	1794312002620	35	5	24	190	1794312002707	1794312002707	37
rec_01m72n8qb4en381m7mdptb9xx0	rcp_01m72n8qb4evh9d5p9b3d9ewjg	tnt_01m4jtydgnfbwvm2pynh73z5yg	acme/eu	-7	API calls	\N	acme-late-1	dd5451f74a09d77e2acf0493f22b16d2056a9b29f62b8880f929f83ac783326d	{"amount":"-7","customerId":"acme/eu","env":"sandbox","metadata":null,"reason":"API calls","referenceId":null,"tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	db060a245afd613c66103b99603ffe7d732180ffe89633a08441af5d9168c11c	\N	QUEUED	1794312002915	\N	\N	\N	\N	\N	\N	\N
rec_01m72n8qbafry855fqbfdcxc62	rcp_01m72n8qbaee6s1vdb5tky9y6e	tnt_01m4jtydgnfbwvm2pynh73z5yg	東京-01	5	late credit	\N	\N	6c1805cc48cb56bc04651817cb25ea6e3506bcb9601961b2d27ec5f5949303f8	{"amount":"5","customerId":"東京-01","env":"sandbox","metadata":{"備考":"遅延"},"reason":"late credit","referenceId":null,"tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	a5e23b30c0f28b9557f65511a00af19dc1955c898b9933c62596e921c63e4cda	\N	QUEUED	1794312002922	\N	\N	\N	\N	\N	\N	\N
rec_01m72n8q0de1nr73m47d2c823y	rcp_01m72n8q0dfcd9s3v4hz1qp3xb	tnt_01m4jtydgnfbwvm2pynh73z5yg	acme/eu	-60	API calls	\N	acme-usage-0002	46bf7b5b77b7640a091e7dd240c0dbbd1484fe548c325ea837e396f51983f52e	{"amount":"-60","customerId":"acme/eu","env":"sandbox","metadata":null,"reason":"API calls","referenceId":null,"tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	4448eda75ec387fd2a07198943ed64fd6a298973a96112832abc9e1bbb102ed0	\N	VERIFIED	1794312002572	18	6	14	532	1794312002598	1794312002598	27
rec_01m72n8q0ffgdscvkd6ydzaesm	rcp_01m72n8q0ff9t959b28166cje2	tnt_01m4jtydgnfbwvm2pynh73z5yg	acme/eu	-60	API calls	\N	\N	46bf7b5b77b7640a091e7dd240c0dbbd1484fe548c325ea837e396f51983f52e	{"amount":"-60","customerId":"acme/eu","env":"sandbox","metadata":null,"reason":"API calls","referenceId":null,"tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	4448eda75ec387fd2a07198943ed64fd6a298973a96112832abc9e1bbb102ed0	\N	VERIFIED	1794312002574	19	7	18	472	1794312002598	1794312002598	27
rec_01m72n8q0jer0vdc62expbqjdf	rcp_01m72n8q0jf4e9ejd51tf24s36	tnt_01m4jtydgnfbwvm2pynh73z5yg	acme/eu	-61	API calls\nline two\twith a tab	\N	\N	49ce1bb99c1d51ca3b6748249704871959cf335618dde1d30ec3c8257a307d55	{"amount":"-61","customerId":"acme/eu","env":"sandbox","metadata":null,"reason":"API calls\\nline two\\twith a tab","referenceId":null,"tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	d736772659eb73910f93a992815c950c50d0796ee492e91f328bda986ac0c778	\N	VERIFIED	1794312002577	20	8	19	411	1794312002598	1794312002598	27
rec_01m72n8q0nepprrja36sf7wh28	rcp_01m72n8q0neqnts152h32xkc5v	tnt_01m4jtydgnfbwvm2pynh73z5yg	Globex Corp	42	refund: storage mis-metered	adj-globex-1	\N	2dee99b47673591ec1fb2f1c0e19afb897b7aae7d3a953b1c2964e22334fe7d7	{"amount":"42","customerId":"Globex Corp","env":"sandbox","metadata":null,"reason":"refund: storage mis-metered","referenceId":"adj-globex-1","tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	89e77ce7527e31a9ee6b4dc4b55d556001693b1123d8710971549242cf5d4462	{"recordId":"rec_01m4jtydsefrdb9cnwjc1pnpex"}	VERIFIED	1794312002580	21	4	16	493	1794312002598	1794312002598	27
rec_01m72n8q0qf6j8pfx2240aqf3e	rcp_01m72n8q0qfy298n8yrhr4pf1w	tnt_01m4jtydgnfbwvm2pynh73z5yg	Globex Corp	-400	compute	\N	\N	cc51a394e0c41ef6eb3df9be0f6a5c11b356424770095d97a004e57387e5ba85	{"amount":"-400","customerId":"Globex Corp","env":"sandbox","metadata":null,"reason":"compute","referenceId":null,"tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	7f5ba20cfc06a59334ee3ec85d81f9ecb62b9e9e97841089933ea1534d41ebda	\N	VERIFIED	1794312002582	22	5	21	93	1794312002598	1794312002598	27
rec_01m72n8q0sexqrf2dnw8db7357	rcp_01m72n8q0sf82at9kyjvp2339g	tnt_01m4jtydgnfbwvm2pynh73z5yg	müller-gmbh	-30	Übertragung 30 GB	\N	\N	ad9ed1ed949bc64585205ae07fe950d93580064b0c649f4a10849710233f688e	{"amount":"-30","customerId":"müller-gmbh","env":"sandbox","metadata":null,"reason":"Übertragung 30 GB","referenceId":null,"tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	3eed1ee74c04ea933f46235a6aae05d37c1906add00e295c0160b4d22603a970	\N	VERIFIED	1794312002585	23	3	6	203	1794312002598	1794312002598	27
rec_01m72n8q0vf2n8zw07x2f5j6b6	rcp_01m72n8q0vevdvjjkb4kdkdkvk	tnt_01m4jtydgnfbwvm2pynh73z5yg	müller-gmbh	-12	Speicher	usage-mueller-p2	\N	8b0d301f62a4165f5dcd579f4cd35cba2a88b67611202e6038b1c41b93244bf6	{"amount":"-12","customerId":"müller-gmbh","env":"sandbox","metadata":{"positionen":["Speicher","Übertragung"],"zeitraum":"Vormonat"},"reason":"Speicher","referenceId":"usage-mueller-p2","tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	e5f1dc16bee9d7e6c7aebed4378df1de41f65b3820c05af2b8780921bf2da0c1	\N	VERIFIED	1794312002586	24	4	23	191	1794312002598	1794312002598	27
rec_01m72n8q0xfa4sbqby8zqrzzqe	rcp_01m72n8q0xex09vczk05tka7bs	tnt_01m4jtydgnfbwvm2pynh73z5yg	東京-01	-1	ping	\N	\N	a2dfaa543678f558e4b2e448de0cfb93659729485d975359a95276f9878eca6f	{"amount":"-1","customerId":"東京-01","env":"sandbox","metadata":null,"reason":"ping","referenceId":null,"tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	c2510947d8cac6ea63bf5807633b3f4286220dbb780e056cb397c488de72456c	\N	VERIFIED	1794312002589	25	4	15	189	1794312002598	1794312002598	27
rec_01m72n8q1deqb9bn7kzece1p39	rcp_01m72n8q1dfbb9xgrrrz0v5fje	tnt_01m4jtydgnfbwvm2pynh73z5yg	initech	-27	TPS reports	\N	\N	6fd3a3a31e1683153f5209d30627330ea325976e86664ebc1c4614bbb0aba2a4	{"amount":"-27","customerId":"initech","env":"sandbox","metadata":null,"reason":"TPS reports","referenceId":null,"tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	7dd1e6ec4c7061687d8884a12aec4aeb0d6658dd9c7f9b60920a1b693d551262	\N	VERIFIED	1794312002604	28	5	27	95	1794312002707	1794312002707	37
rec_01m72n8q1jez8apr43apjpac8k	rcp_01m72n8q1jezw9vh1fets7gqvd	tnt_01m4jtydgnfbwvm2pynh73z5yg	beta_test	2	rounding	\N	\N	7b4f989b1e7cc39b719d4b5f76de31ca07cc6f6779bfdddfb8ef15966745af55	{"amount":"2","customerId":"beta_test","env":"sandbox","metadata":null,"reason":"rounding","referenceId":null,"tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	a63366aa8eaeffb9a2ba43a221f7e17b2a4703ef4d8e5d6d38116ec3ac8cef81	\N	VERIFIED	1794312002609	30	4	29	2	1794312002707	1794312002707	37
rec_01m72n8q1pf2pszyhkf3qhyk71	rcp_01m72n8q1pfm9tcrk2fcprsnce	tnt_01m4jtydgnfbwvm2pynh73z5yg	Globex Corp	-1	API calls	\N	globex-usage-9	ff7f5b1e7ee6223f4fc500819d4e38a4204bc68b13ecc28a113a109a0f7d29f9	{"amount":"-1","customerId":"Globex Corp","env":"sandbox","metadata":null,"reason":"API calls","referenceId":null,"tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	4a430227e1147d154f5e9587feb86b8a491a905fa5592ab61e98c754d34283a5	\N	VERIFIED	1794312002613	32	6	22	92	1794312002707	1794312002707	37
rec_01m72n8q1vfz89q254pcvfpqah	rcp_01m72n8q1vez1rzx83mn1yxzzc	tnt_01m4jtydgnfbwvm2pynh73z5yg	acme/eu	500	top-up	inv-2005	\N	f126e4bfb5d906b6d9d4d3c4e7286581b9d017701aaa7b505a3de0f4bdfc634c	{"amount":"500","customerId":"acme/eu","env":"sandbox","metadata":null,"reason":"top-up","referenceId":"inv-2005","tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	154a055e92a42ee52c0a880c065f5d073b6e8268c349837a23bf2d78fea6b15a	\N	VERIFIED	1794312002618	34	10	31	903	1794312002707	1794312002707	37
rec_01m72n8q1ze1vvyjedpr69ce62	rcp_01m72n8q1zecd88gca80kvtrbr	tnt_01m4jtydgnfbwvm2pynh73z5yg	müller-gmbh	5	Korrektur der Gutschrift	\N	\N	16e43c703203308fe61d6e97806bb2b2b01d76b7378383fed0bd58183338047f	{"amount":"5","customerId":"müller-gmbh","env":"sandbox","metadata":null,"reason":"Korrektur der Gutschrift","referenceId":null,"tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	e460ccf532bdef4c5acd74cef3a3284d8299a690b4210fbab2b7c2f1e643d967	{"referenceId":"inv-2003"}	VERIFIED	1794312002622	36	6	35	195	1794312002707	1794312002707	37
rec_01m72n8qb8f44swran8hmw2mkb	rcp_01m72n8qb8fqjtf90fm2cr3hxj	tnt_01m4jtydgnfbwvm2pynh73z5yg	Globex Corp	-3	API calls	late-globex-1	\N	e42a535ac4e5b0435e0372331965cb0dca89eccf3994375e98691bf4493bd75c	{"amount":"-3","customerId":"Globex Corp","env":"sandbox","metadata":null,"reason":"API calls","referenceId":"late-globex-1","tenant":"tnt_01m4jtydgnfbwvm2pynh73z5yg","v":1}	286e45f8858aee783a30a018fe545e554d829e3858149a8ae2f27425ce9ff73d	\N	QUEUED	1794312002919	\N	\N	\N	\N	\N	\N	\N
\.


--
-- Data for Name: log_customers; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.log_customers (tenant_id, customer_id, last_seq, last_index, balance, first_at, last_at) FROM stdin;
tnt_01m4jtydgnfbwvm2pynh73z5yg	東京-01	5	26	188	1791633602481	1794312002598
tnt_01m4jtydgnfbwvm2pynh73z5yg	acme/eu	10	34	903	1791633602481	1794312002707
tnt_01m4jtydgnfbwvm2pynh73z5yg	Globex Corp	6	32	92	1791633602481	1794312002707
tnt_01m4jtydgnfbwvm2pynh73z5yg	müller-gmbh	6	36	195	1791633602481	1794312002707
tnt_01m4jtydgnfbwvm2pynh73z5yg	initech	6	33	86	1791633602481	1794312002707
tnt_01m4jtydgnfbwvm2pynh73z5yg	beta_test	4	30	2	1791633602481	1794312002707
\.


--
-- Data for Name: log_tiles; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.log_tiles (tenant_id, level, idx, hashes) FROM stdin;
tnt_01m4jtydgnfbwvm2pynh73z5yg	0	0	\\xb8247968eb381e9a77893f3db6320b13275487cabf2eaac6e3389d104dfa81d27abee8626ee2129db2a2d58986e2da09826d780cfaba1ef62255c7db22822f643257c7547e483e11715bc9910f957e7c07ff539eb3b5e7a8b50975f3e36f706e249e2832d5a7bb8ccad72f5b6e3c55494b546c187ec164fcaf73e3d558f0fe4631f1ccbaf7c9c1ffcae4488ea3ca74a6c7794463e66614b14ab2cad04e2092ef547bb21c3e22b93684d1502c9ed5f8472560e3a49111aefc359d3d02be14ab911fe5ba070ecb5c8025dbbec97466d73fd0473446b54423f3592a7250d6f954130c394aeecf01ccc9d57294f3d7885a9546d42e4a0f25507279ac7f2461510e6e20070622e84009b98487b4ff122f00952f48e0760a6e96b7ce7e86679e2da407cbcc42f82e3778236951e272ba35c786f953087fff95ee56aebcb2210d4be8c629ce9e42f85a812a6ab87d8a07f54c21a120813b1a1ff4e277a715bebc0c8e022ec3a4709d12146f3fdce6ad0f35163d382669ff368dc58d0dfcd8ab82f36786793b8c43ef27d0467e4254e19cee3e99951011f6dd892ef71e20549df0ffb7ba8383cad07c444d7c83f2c57f956fea5fc4e91519bd30903c65a01504cd9f107e4232161b7d0d9096297b9ae68f5575c317449be86bbca0809e07dc9d21dc22148adb8516d017a7616e121c1920ebcbc4a80ff2da7d085776bfd4e6083b88c52cfa89bc7c3f2ac3bb896058210b1b37c2b06585d9d4a1d20e9d0b6bea8135e1076fa4069fac342b2065d776778cf70286d42f784b5c0bc55e77faca8454a9f39eed82d4423f352751dcd803f7bbd8bf31bf15eaeb0d065012f7e09b8de995a28bd302affacb0ff069e4ff0f51db708e6a35102af416c5c17a88a9ba8080299496c17b83a5942482f85d5b125c8ec04bd9a53516ac4089e2dbac8a3f9274bbd9b50bee4a1635f039cfcf5dac78a6f68ccdbddadeccc9e92dbe79d4523ca829816e6b1b6451e94f66c1e80b61ef79c4c6258780535b7339338974394434ed786917f26e3c2dbe95e2c0e7a841eff3dd82f477002ba6b37686e10612163306977599e4acf5f9879d6cca325ab3780bd769118c660ee650e1d44955b6abc3340169d3e35c52cf3878a9797bc0068b65c91183374b28ac703a16a747a11bbbc334fc52f20944b70536b4635dcd910940baf40150d280fe8a6fd154b6e05a9a726cbf3b43f1581a8f4a2f34a8d6cc8fbc4502d959f5b776b0e3ef5cf98c35eae02ade97da52ca00ebf068306cff3f2e2e8bffea921ca15788d67292614fcfe61755cc59ea09ac5c89d38652d29b3baae6f017e38695c1294085aabec6352a26f46e5d5e91e708b37ebe87362bfdf58678aad3fffc66435e457420f0312d315de88497c308c813669facc02b8b43d6259cb7aa2b8a80da196e53a8a2a770895d5c5647ade01e024a0860393234e6fce9f9aff4dc187e412154ba0589d675805ac84c762b6dba84f4974471dac922e27d7f12f8d2389442f2782d33790e87e8fa5bef2e45bbe29344d7341cd2a1c396cb820f288de223641904b1a5ed37f24dbe5bc0eed09dad68ca9e92a3d609a054ff6c4d79e27edea9e3f2dd7f0c785db88a7867302397fdce2c51acda45f2f24358b85cf46b25c2e85eee2d4799782e9f1532590ae1
\.


--
-- Data for Name: schema_migrations; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.schema_migrations (version, applied_at) FROM stdin;
0001_plane	1796580622606
0002_api_keys	1796580622610
0003_ledger	1796580622615
0004_tiles	1796580622618
0005_checkpoints	1796580622623
0006_lean_delta_indexes	1796580622628
\.


--
-- Data for Name: tenant_ledgers; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.tenant_ledgers (tenant_id, environment, origin, key_name, public_key, private_key, tree_size, root_hash, checkpoint, created_at, lease_owner, lease_until, signed_at) FROM stdin;
tnt_01m4jtydgnfbwvm2pynh73z5yg	sandbox	sandbox.pacspace.local/tnt_01m4jtydgnfbwvm2pynh73z5yg/sandbox	sandbox.pacspace.local/tnt_01m4jtydgnfbwvm2pynh73z5yg/sandbox	ZmjVUPgvrCOrNWjGgkWwkkEcqlQKTTG3GSybXhGVJ/s=	enc:v1:0e3cfd60:UIA0E3kzZdll4EOEvFcdbyypFjSUnctus6/oKWdOzFAQ8u40nyejwTeP+rQsLOPRhDBw1r9/j7IIfJxqIzX9JPj8W/vFWz5q	37	ad39d3d4f6f20637d376916ac145b34ff010bc515f34d274ed5d84ce1466a8ee	sandbox.pacspace.local/tnt_01m4jtydgnfbwvm2pynh73z5yg/sandbox\n37\nrTnT1PbyBjfTdpFqwUWzT/AQvFFfNNJ07V2EzhRmqO4=\n\n— sandbox.pacspace.local/tnt_01m4jtydgnfbwvm2pynh73z5yg/sandbox 6Fl/xnh9Q3B4/vZqk4BXGytwzMS2ycL+KVqzPNuLOM3MaSnfcn/9niHuLQvN99UWSgr2jI99hgteMl+Q+wZGrNTkwgc=\n	1791633602106	seq_0a8a06618d33	1794312012703	1794312002707
\.


--
-- Name: api_keys api_keys_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_keys
    ADD CONSTRAINT api_keys_pkey PRIMARY KEY (public_id);


--
-- Name: checkpoint_balances checkpoint_balances_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.checkpoint_balances
    ADD CONSTRAINT checkpoint_balances_pkey PRIMARY KEY (checkpoint_id, "position");


--
-- Name: checkpoints checkpoints_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.checkpoints
    ADD CONSTRAINT checkpoints_pkey PRIMARY KEY (checkpoint_id);


--
-- Name: deltas deltas_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.deltas
    ADD CONSTRAINT deltas_pkey PRIMARY KEY (record_id);


--
-- Name: deltas deltas_receipt_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.deltas
    ADD CONSTRAINT deltas_receipt_id_key UNIQUE (receipt_id);


--
-- Name: log_customers log_customers_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.log_customers
    ADD CONSTRAINT log_customers_pkey PRIMARY KEY (tenant_id, customer_id);


--
-- Name: log_tiles log_tiles_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.log_tiles
    ADD CONSTRAINT log_tiles_pkey PRIMARY KEY (tenant_id, level, idx);


--
-- Name: schema_migrations schema_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);


--
-- Name: tenant_ledgers tenant_ledgers_origin_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tenant_ledgers
    ADD CONSTRAINT tenant_ledgers_origin_key UNIQUE (origin);


--
-- Name: tenant_ledgers tenant_ledgers_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tenant_ledgers
    ADD CONSTRAINT tenant_ledgers_pkey PRIMARY KEY (tenant_id);


--
-- Name: ix_api_keys_tenant; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_api_keys_tenant ON public.api_keys USING btree (tenant_id);


--
-- Name: ix_api_keys_usage; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_api_keys_usage ON public.api_keys USING btree (usage_flushed_at);


--
-- Name: ix_checkpoints_root; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_checkpoints_root ON public.checkpoints USING btree (proof_root);


--
-- Name: ix_checkpoints_tenant; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_checkpoints_tenant ON public.checkpoints USING btree (tenant_id, created_at);


--
-- Name: ix_deltas_customer; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_deltas_customer ON public.deltas USING btree (tenant_id, customer_id, log_index) WHERE (log_index IS NOT NULL);


--
-- Name: ix_deltas_customer_time; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_deltas_customer_time ON public.deltas USING btree (tenant_id, customer_id, recorded_at, log_index) WHERE (recorded_at IS NOT NULL);


--
-- Name: ix_deltas_queued; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_deltas_queued ON public.deltas USING btree (tenant_id, record_id) WHERE (status = 'QUEUED'::text);


--
-- Name: ix_deltas_time; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_deltas_time ON public.deltas USING btree (tenant_id, recorded_at, log_index) WHERE (recorded_at IS NOT NULL);


--
-- Name: ux_checkpoint_balances_customer; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX ux_checkpoint_balances_customer ON public.checkpoint_balances USING btree (checkpoint_id, customer_id);


--
-- Name: ux_checkpoints_scope; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX ux_checkpoints_scope ON public.checkpoints USING btree (tenant_id, window_start, window_end, to_size);


--
-- Name: ux_deltas_idempotency; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX ux_deltas_idempotency ON public.deltas USING btree (tenant_id, idempotency_key) WHERE (idempotency_key IS NOT NULL);


--
-- Name: ux_deltas_log; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX ux_deltas_log ON public.deltas USING btree (tenant_id, log_index) WHERE (log_index IS NOT NULL);


--
-- Name: ux_deltas_reference; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX ux_deltas_reference ON public.deltas USING btree (tenant_id, reference_id) WHERE (reference_id IS NOT NULL);


--
-- PostgreSQL database dump complete
--

\unrestrict yvPPOqbRNCSzh9ruqsTbTujCc5EbgL40f6jJ7XEamtmlYIiJl5tCeRI8FKe2VrT

