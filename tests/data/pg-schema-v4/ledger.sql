--
-- PostgreSQL database dump
--

\restrict IPZbDCIaZDcRt9t4I389HAly2WbpAwMuzfbPZg1UZ76XSar8iD0h737AA6Wjzhp

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
-- Name: balance; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.balance (
    unit text NOT NULL,
    indicator text NOT NULL,
    period bigint NOT NULL,
    amount bigint NOT NULL,
    entries bigint NOT NULL
);


--
-- Name: bulletin; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.bulletin (
    province text NOT NULL,
    period bigint NOT NULL,
    revision bigint NOT NULL,
    issued_at bigint NOT NULL,
    upto_entry bigint NOT NULL,
    payload bytea NOT NULL,
    digest bytea NOT NULL,
    origin text NOT NULL,
    signer text NOT NULL,
    stored_at bigint NOT NULL,
    sent_at bigint,
    acked_at bigint,
    CONSTRAINT bulletin_origin_check CHECK ((origin = ANY (ARRAY['own'::text, 'peer'::text])))
);


--
-- Name: bulletin_signer; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.bulletin_signer (
    signer text NOT NULL,
    public_key bytea NOT NULL,
    province text NOT NULL,
    origin text NOT NULL,
    first_seen bigint NOT NULL
);


--
-- Name: chain; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.chain (
    root bigint NOT NULL,
    amount bigint NOT NULL,
    latest bigint NOT NULL
);


--
-- Name: digest_block; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.digest_block (
    upto bigint NOT NULL,
    digest bytea NOT NULL,
    entries bigint NOT NULL
);


--
-- Name: entry; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.entry (
    id bigint NOT NULL,
    node text NOT NULL,
    seq bigint NOT NULL,
    unit text NOT NULL,
    indicator text NOT NULL,
    period bigint NOT NULL,
    amount bigint NOT NULL,
    note text NOT NULL,
    recorded_by text NOT NULL,
    recorded_at bigint NOT NULL,
    corrects bigint,
    root bigint,
    prev_amount bigint,
    received_at bigint NOT NULL,
    term bigint NOT NULL,
    confirmed text DEFAULT ''::text NOT NULL
);


--
-- Name: entry_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.entry_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: entry_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.entry_id_seq OWNED BY public.entry.id;


--
-- Name: hub_term; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.hub_term (
    term bigint NOT NULL,
    hub text NOT NULL,
    pid integer NOT NULL,
    started_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: hub_term_term_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.hub_term_term_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: hub_term_term_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.hub_term_term_seq OWNED BY public.hub_term.term;


--
-- Name: indicator; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.indicator (
    code text NOT NULL,
    name text NOT NULL,
    base_unit text NOT NULL,
    scale integer NOT NULL
);


--
-- Name: meta; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.meta (
    key text NOT NULL,
    value text NOT NULL
);


--
-- Name: node; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.node (
    id text NOT NULL,
    hwm bigint NOT NULL,
    first_seen bigint NOT NULL,
    last_seen bigint NOT NULL,
    entries bigint DEFAULT 0 NOT NULL,
    rejects bigint DEFAULT 0 NOT NULL
);


--
-- Name: project; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.project (
    id text NOT NULL,
    node text NOT NULL,
    unit text NOT NULL,
    area text NOT NULL,
    stage integer NOT NULL,
    planned bigint NOT NULL,
    aid_planned bigint NOT NULL,
    invested bigint NOT NULL,
    aid_disbursed bigint NOT NULL,
    poor_lifted bigint NOT NULL,
    poor_jobs bigint NOT NULL,
    stage_date bigint NOT NULL,
    updated_seq bigint NOT NULL,
    state bytea NOT NULL
);


--
-- Name: project_event; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.project_event (
    id bigint NOT NULL,
    node text NOT NULL,
    seq bigint NOT NULL,
    project text NOT NULL,
    kind integer NOT NULL,
    period bigint NOT NULL,
    recorded_by text NOT NULL,
    recorded_at bigint NOT NULL,
    received_at bigint NOT NULL,
    d_invested bigint NOT NULL,
    d_disbursed bigint NOT NULL,
    state bytea NOT NULL
);


--
-- Name: project_event_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.project_event_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: project_event_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.project_event_id_seq OWNED BY public.project_event.id;


--
-- Name: reject; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.reject (
    node text NOT NULL,
    seq bigint NOT NULL,
    unit text NOT NULL,
    indicator text NOT NULL,
    period bigint NOT NULL,
    amount bigint NOT NULL,
    reason text NOT NULL,
    at bigint NOT NULL
);


--
-- Name: reminder; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.reminder (
    unit text NOT NULL,
    period bigint NOT NULL,
    reason text NOT NULL,
    at bigint NOT NULL,
    hooked integer DEFAULT 0 NOT NULL
);


--
-- Name: review_event; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.review_event (
    id bigint NOT NULL,
    unit text NOT NULL,
    period bigint NOT NULL,
    kind integer NOT NULL,
    by text NOT NULL,
    at bigint NOT NULL,
    reason text NOT NULL,
    node text NOT NULL,
    seq bigint
);


--
-- Name: review_event_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.review_event_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: review_event_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.review_event_id_seq OWNED BY public.review_event.id;


--
-- Name: unit; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.unit (
    code text NOT NULL,
    name text NOT NULL,
    province text NOT NULL
);


--
-- Name: entry id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.entry ALTER COLUMN id SET DEFAULT nextval('public.entry_id_seq'::regclass);


--
-- Name: hub_term term; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.hub_term ALTER COLUMN term SET DEFAULT nextval('public.hub_term_term_seq'::regclass);


--
-- Name: project_event id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.project_event ALTER COLUMN id SET DEFAULT nextval('public.project_event_id_seq'::regclass);


--
-- Name: review_event id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.review_event ALTER COLUMN id SET DEFAULT nextval('public.review_event_id_seq'::regclass);


--
-- Data for Name: balance; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.balance (unit, indicator, period, amount, entries) FROM stdin;
cq-wanzhou	poor_trained	201902	115	5
cq-wanzhou	poor_trained	201904	125	5
cq-wanzhou	poor_trained	201905	130	5
cq-wanzhou	poor_trained	201901	110	5
cq-wanzhou	poor_trained	201903	120	5
cq-wanzhou	poor_trained	201906	135	5
\.


--
-- Data for Name: bulletin; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.bulletin (province, period, revision, issued_at, upto_entry, payload, digest, origin, signer, stored_at, sent_at, acked_at) FROM stdin;
\.


--
-- Data for Name: bulletin_signer; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.bulletin_signer (signer, public_key, province, origin, first_seen) FROM stdin;
\.


--
-- Data for Name: chain; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.chain (root, amount, latest) FROM stdin;
\.


--
-- Data for Name: digest_block; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.digest_block (upto, digest, entries) FROM stdin;
\.


--
-- Data for Name: entry; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.entry (id, node, seq, unit, indicator, period, amount, note, recorded_by, recorded_at, corrects, root, prev_amount, received_at, term, confirmed) FROM stdin;
1	cq-wanzhou	1	cq-wanzhou	poor_trained	201901	10	fx 0	root	1796318781	\N	\N	\N	1796318781	1	
2	cq-wanzhou	2	cq-wanzhou	poor_trained	201902	11	fx 1	root	1796318781	\N	\N	\N	1796318781	1	
3	cq-wanzhou	3	cq-wanzhou	poor_trained	201903	12	fx 2	root	1796318781	\N	\N	\N	1796318781	1	
4	cq-wanzhou	4	cq-wanzhou	poor_trained	201904	13	fx 3	root	1796318781	\N	\N	\N	1796318781	1	
5	cq-wanzhou	5	cq-wanzhou	poor_trained	201905	14	fx 4	root	1796318781	\N	\N	\N	1796318781	1	
6	cq-wanzhou	6	cq-wanzhou	poor_trained	201906	15	fx 5	root	1796318781	\N	\N	\N	1796318781	1	
7	cq-wanzhou	7	cq-wanzhou	poor_trained	201901	16	fx 6	root	1796318781	\N	\N	\N	1796318781	1	
8	cq-wanzhou	8	cq-wanzhou	poor_trained	201902	17	fx 7	root	1796318781	\N	\N	\N	1796318781	1	
9	cq-wanzhou	9	cq-wanzhou	poor_trained	201903	18	fx 8	root	1796318781	\N	\N	\N	1796318781	1	
10	cq-wanzhou	10	cq-wanzhou	poor_trained	201904	19	fx 9	root	1796318781	\N	\N	\N	1796318781	1	
11	cq-wanzhou	11	cq-wanzhou	poor_trained	201905	20	fx 10	root	1796318781	\N	\N	\N	1796318781	1	
12	cq-wanzhou	12	cq-wanzhou	poor_trained	201906	21	fx 11	root	1796318781	\N	\N	\N	1796318781	1	
13	cq-wanzhou	13	cq-wanzhou	poor_trained	201901	22	fx 12	root	1796318781	\N	\N	\N	1796318781	1	
14	cq-wanzhou	14	cq-wanzhou	poor_trained	201902	23	fx 13	root	1796318781	\N	\N	\N	1796318781	1	
15	cq-wanzhou	15	cq-wanzhou	poor_trained	201903	24	fx 14	root	1796318781	\N	\N	\N	1796318781	1	
16	cq-wanzhou	16	cq-wanzhou	poor_trained	201904	25	fx 15	root	1796318781	\N	\N	\N	1796318781	1	
17	cq-wanzhou	17	cq-wanzhou	poor_trained	201905	26	fx 16	root	1796318781	\N	\N	\N	1796318781	1	
18	cq-wanzhou	18	cq-wanzhou	poor_trained	201906	27	fx 17	root	1796318781	\N	\N	\N	1796318781	1	
19	cq-wanzhou	19	cq-wanzhou	poor_trained	201901	28	fx 18	root	1796318781	\N	\N	\N	1796318781	1	
20	cq-wanzhou	20	cq-wanzhou	poor_trained	201902	29	fx 19	root	1796318781	\N	\N	\N	1796318781	1	
21	cq-wanzhou	21	cq-wanzhou	poor_trained	201903	30	fx 20	root	1796318781	\N	\N	\N	1796318781	1	
22	cq-wanzhou	22	cq-wanzhou	poor_trained	201904	31	fx 21	root	1796318781	\N	\N	\N	1796318781	1	
23	cq-wanzhou	23	cq-wanzhou	poor_trained	201905	32	fx 22	root	1796318781	\N	\N	\N	1796318781	1	
24	cq-wanzhou	24	cq-wanzhou	poor_trained	201906	33	fx 23	root	1796318781	\N	\N	\N	1796318781	1	
25	cq-wanzhou	25	cq-wanzhou	poor_trained	201901	34	fx 24	root	1796318781	\N	\N	\N	1796318781	1	
26	cq-wanzhou	26	cq-wanzhou	poor_trained	201902	35	fx 25	root	1796318781	\N	\N	\N	1796318781	1	
27	cq-wanzhou	27	cq-wanzhou	poor_trained	201903	36	fx 26	root	1796318781	\N	\N	\N	1796318781	1	
28	cq-wanzhou	28	cq-wanzhou	poor_trained	201904	37	fx 27	root	1796318781	\N	\N	\N	1796318781	1	
29	cq-wanzhou	29	cq-wanzhou	poor_trained	201905	38	fx 28	root	1796318781	\N	\N	\N	1796318781	1	
30	cq-wanzhou	30	cq-wanzhou	poor_trained	201906	39	fx 29	root	1796318781	\N	\N	\N	1796318781	1	
\.


--
-- Data for Name: hub_term; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.hub_term (term, hub, pid, started_at) FROM stdin;
1	cq-hub	23541	2026-12-03 17:26:20.955166+00
\.


--
-- Data for Name: indicator; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.indicator (code, name, base_unit, scale) FROM stdin;
poor_lifted	脱贫人口	persons	1
districts_delisted	脱贫摘帽区县	count	1
agri_sales_to_sd	农副产品销售至山东交易额	yuan	100
sd_firms	山东投资企业数	count	1
sd_investment	山东企业实际投资额	yuan	100
sd_firm_poor_jobs	山东企业吸纳贫困人口就业数	persons	1
social_aid_funds	社会帮扶资金	yuan	100
poor_trained	建档立卡贫困人口培训	persons	1
poor_moved_to_sd	转移到山东就业的建档立卡贫困人口	persons	1
poor_income_lifted	带动达到脱贫标准收入水平	persons	1
poverty_workshops	就业扶贫车间	count	1
cadres_to_sd	赴山东挂职党政干部	persons	1
aided_district_hospitals	援建区县级医院	count	1
aided_township_clinics	援建乡镇卫生院	count	1
project_pool_total	滚动项目库投资总额	yuan	100
sd_fiscal_aid	山东财政帮扶资金	yuan	100
leader_visits	主要负责同志赴结对市县	count	1
joint_meetings	联席会议	count	1
\.


--
-- Data for Name: meta; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.meta (key, value) FROM stdin;
schema	4
\.


--
-- Data for Name: node; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.node (id, hwm, first_seen, last_seen, entries, rejects) FROM stdin;
cq-wanzhou	30	1796318781	1796318781	30	0
\.


--
-- Data for Name: project; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.project (id, node, unit, area, stage, planned, aid_planned, invested, aid_disbursed, poor_lifted, poor_jobs, stage_date, updated_seq, state) FROM stdin;
\.


--
-- Data for Name: project_event; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.project_event (id, node, seq, project, kind, period, recorded_by, recorded_at, received_at, d_invested, d_disbursed, state) FROM stdin;
\.


--
-- Data for Name: reject; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.reject (node, seq, unit, indicator, period, amount, reason, at) FROM stdin;
\.


--
-- Data for Name: reminder; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.reminder (unit, period, reason, at, hooked) FROM stdin;
cq-chengkou	202012	not_reported_after_close	1796318781	1
cq-czj	202012	not_reported_after_close	1796318781	1
cq-fengdu	202012	not_reported_after_close	1796318781	1
cq-fengjie	202012	not_reported_after_close	1796318781	1
cq-fgw	202012	not_reported_after_close	1796318781	1
cq-fpb	202012	not_reported_after_close	1796318781	1
cq-jw	202012	not_reported_after_close	1796318781	1
cq-kaizhou	202012	not_reported_after_close	1796318781	1
cq-nyw	202012	not_reported_after_close	1796318781	1
cq-pengshui	202012	not_reported_after_close	1796318781	1
cq-qianjiang	202012	not_reported_after_close	1796318781	1
cq-rsj	202012	not_reported_after_close	1796318781	1
cq-shizhu	202012	not_reported_after_close	1796318781	1
cq-sww	202012	not_reported_after_close	1796318781	1
cq-wanzhou	202012	not_reported_after_close	1796318781	1
cq-wjw	202012	not_reported_after_close	1796318781	1
cq-wlw	202012	not_reported_after_close	1796318781	1
cq-wulong	202012	not_reported_after_close	1796318781	1
cq-wushan	202012	not_reported_after_close	1796318781	1
cq-wuxi	202012	not_reported_after_close	1796318781	1
cq-xiushan	202012	not_reported_after_close	1796318781	1
cq-youyang	202012	not_reported_after_close	1796318781	1
cq-yunyang	202012	not_reported_after_close	1796318781	1
cq-zzb	202012	not_reported_after_close	1796318781	1
\.


--
-- Data for Name: review_event; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.review_event (id, unit, period, kind, by, at, reason, node, seq) FROM stdin;
1	cq-wanzhou	202012	5	hub	1796318781	not_reported_after_close		\N
2	cq-qianjiang	202012	5	hub	1796318781	not_reported_after_close		\N
3	cq-kaizhou	202012	5	hub	1796318781	not_reported_after_close		\N
4	cq-wulong	202012	5	hub	1796318781	not_reported_after_close		\N
5	cq-chengkou	202012	5	hub	1796318781	not_reported_after_close		\N
6	cq-fengdu	202012	5	hub	1796318781	not_reported_after_close		\N
7	cq-yunyang	202012	5	hub	1796318781	not_reported_after_close		\N
8	cq-fengjie	202012	5	hub	1796318781	not_reported_after_close		\N
9	cq-wushan	202012	5	hub	1796318781	not_reported_after_close		\N
10	cq-wuxi	202012	5	hub	1796318781	not_reported_after_close		\N
11	cq-shizhu	202012	5	hub	1796318781	not_reported_after_close		\N
12	cq-xiushan	202012	5	hub	1796318781	not_reported_after_close		\N
13	cq-youyang	202012	5	hub	1796318781	not_reported_after_close		\N
14	cq-pengshui	202012	5	hub	1796318781	not_reported_after_close		\N
15	cq-fgw	202012	5	hub	1796318781	not_reported_after_close		\N
16	cq-fpb	202012	5	hub	1796318781	not_reported_after_close		\N
17	cq-rsj	202012	5	hub	1796318781	not_reported_after_close		\N
18	cq-sww	202012	5	hub	1796318781	not_reported_after_close		\N
19	cq-nyw	202012	5	hub	1796318781	not_reported_after_close		\N
20	cq-jw	202012	5	hub	1796318781	not_reported_after_close		\N
21	cq-wjw	202012	5	hub	1796318781	not_reported_after_close		\N
22	cq-wlw	202012	5	hub	1796318781	not_reported_after_close		\N
23	cq-zzb	202012	5	hub	1796318781	not_reported_after_close		\N
24	cq-czj	202012	5	hub	1796318781	not_reported_after_close		\N
\.


--
-- Data for Name: unit; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.unit (code, name, province) FROM stdin;
cq-wanzhou	万州区	CQ
cq-qianjiang	黔江区	CQ
cq-kaizhou	开州区	CQ
cq-wulong	武隆区	CQ
cq-chengkou	城口县	CQ
cq-fengdu	丰都县	CQ
cq-yunyang	云阳县	CQ
cq-fengjie	奉节县	CQ
cq-wushan	巫山县	CQ
cq-wuxi	巫溪县	CQ
cq-shizhu	石柱县	CQ
cq-xiushan	秀山县	CQ
cq-youyang	酉阳县	CQ
cq-pengshui	彭水县	CQ
cq-fgw	市发展改革委	CQ
cq-fpb	市扶贫办	CQ
cq-rsj	市人力社保局	CQ
cq-sww	市商务委	CQ
cq-nyw	市农业农村委	CQ
cq-jw	市教委	CQ
cq-wjw	市卫生健康委	CQ
cq-wlw	市文化旅游委	CQ
cq-zzb	市委组织部	CQ
cq-czj	市财政局	CQ
sd-jinan	济南市	SD
sd-zibo	淄博市	SD
sd-zaozhuang	枣庄市	SD
sd-dongying	东营市	SD
sd-yantai	烟台市	SD
sd-weifang	潍坊市	SD
sd-jining	济宁市	SD
sd-taian	泰安市	SD
sd-weihai	威海市	SD
sd-rizhao	日照市	SD
sd-linyi	临沂市	SD
sd-dezhou	德州市	SD
sd-liaocheng	聊城市	SD
sd-binzhou	滨州市	SD
sd-fpb	省扶贫办	SD
sd-fgw	省发展改革委	SD
sd-zzb	省委组织部	SD
sd-rst	省人力资源社会保障厅	SD
sd-swt	省商务厅	SD
sd-czt	省财政厅	SD
\.


--
-- Name: entry_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.entry_id_seq', 30, true);


--
-- Name: hub_term_term_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.hub_term_term_seq', 1, true);


--
-- Name: project_event_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.project_event_id_seq', 1, false);


--
-- Name: review_event_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.review_event_id_seq', 24, true);


--
-- Name: balance balance_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.balance
    ADD CONSTRAINT balance_pkey PRIMARY KEY (unit, indicator, period);


--
-- Name: bulletin bulletin_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bulletin
    ADD CONSTRAINT bulletin_pkey PRIMARY KEY (province, period, revision);


--
-- Name: bulletin_signer bulletin_signer_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bulletin_signer
    ADD CONSTRAINT bulletin_signer_pkey PRIMARY KEY (signer, public_key);


--
-- Name: chain chain_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.chain
    ADD CONSTRAINT chain_pkey PRIMARY KEY (root);


--
-- Name: digest_block digest_block_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.digest_block
    ADD CONSTRAINT digest_block_pkey PRIMARY KEY (upto);


--
-- Name: entry entry_node_seq_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.entry
    ADD CONSTRAINT entry_node_seq_key UNIQUE (node, seq);


--
-- Name: entry entry_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.entry
    ADD CONSTRAINT entry_pkey PRIMARY KEY (id);


--
-- Name: hub_term hub_term_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.hub_term
    ADD CONSTRAINT hub_term_pkey PRIMARY KEY (term);


--
-- Name: indicator indicator_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.indicator
    ADD CONSTRAINT indicator_pkey PRIMARY KEY (code);


--
-- Name: meta meta_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.meta
    ADD CONSTRAINT meta_pkey PRIMARY KEY (key);


--
-- Name: node node_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.node
    ADD CONSTRAINT node_pkey PRIMARY KEY (id);


--
-- Name: project_event project_event_node_seq_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.project_event
    ADD CONSTRAINT project_event_node_seq_key UNIQUE (node, seq);


--
-- Name: project_event project_event_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.project_event
    ADD CONSTRAINT project_event_pkey PRIMARY KEY (id);


--
-- Name: project project_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.project
    ADD CONSTRAINT project_pkey PRIMARY KEY (id);


--
-- Name: reject reject_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reject
    ADD CONSTRAINT reject_pkey PRIMARY KEY (node, seq);


--
-- Name: reminder reminder_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reminder
    ADD CONSTRAINT reminder_pkey PRIMARY KEY (unit, period, reason);


--
-- Name: review_event review_event_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.review_event
    ADD CONSTRAINT review_event_pkey PRIMARY KEY (id);


--
-- Name: unit unit_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.unit
    ADD CONSTRAINT unit_pkey PRIMARY KEY (code);


--
-- Name: entry_month; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX entry_month ON public.entry USING btree (unit, indicator, period, received_at);


--
-- Name: project_event_month; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX project_event_month ON public.project_event USING btree (period);


--
-- Name: project_event_of; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX project_event_of ON public.project_event USING btree (project, id);


--
-- Name: project_unit; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX project_unit ON public.project USING btree (unit);


--
-- Name: review_event_month; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX review_event_month ON public.review_event USING btree (unit, period, id);


--
-- PostgreSQL database dump complete
--

\unrestrict IPZbDCIaZDcRt9t4I389HAly2WbpAwMuzfbPZg1UZ76XSar8iD0h737AA6Wjzhp

