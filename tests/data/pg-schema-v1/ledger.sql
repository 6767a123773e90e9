--
-- PostgreSQL database dump
--

\restrict v21uy2bkpdaC0mS8UmiyaKoeLySE4Zd5uAgyZurU7bBs1RIDLIPfHOyyqnTOwsP

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
-- Name: chain; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.chain (
    root bigint NOT NULL,
    amount bigint NOT NULL,
    latest bigint NOT NULL
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
    term bigint NOT NULL
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
-- Data for Name: balance; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.balance (unit, indicator, period, amount, entries) FROM stdin;
cq-wanzhou	agri_sales_to_sd	201801	97050485	1
cq-wanzhou	cadres_to_sd	201803	39	2
cq-wanzhou	poor_moved_to_sd	201912	17	1
cq-wanzhou	sd_investment	201905	14352288	1
cq-wanzhou	agri_sales_to_sd	201805	72712397	1
cq-wanzhou	agri_sales_to_sd	201806	26981182	1
cq-wanzhou	poor_trained	201908	38	1
cq-wanzhou	poor_moved_to_sd	201902	60	2
cq-wanzhou	agri_sales_to_sd	201903	58198349	1
cq-wanzhou	poor_trained	201910	20	1
cq-wanzhou	cadres_to_sd	201909	49	1
cq-wanzhou	sd_investment	201901	7665473	1
cq-wanzhou	cadres_to_sd	201904	21	2
cq-wanzhou	sd_investment	201907	8542426	1
cq-wanzhou	poor_trained	201802	8	1
cq-wanzhou	agri_sales_to_sd	201901	92119349	1
cq-wanzhou	cadres_to_sd	201902	25	1
cq-wanzhou	poor_moved_to_sd	201811	21	1
cq-wanzhou	sd_investment	201809	20279155	1
cq-wanzhou	poor_trained	201911	41	1
cq-wanzhou	sd_investment	201801	22523194	2
cq-wanzhou	sd_investment	201805	91738016	1
cq-wanzhou	agri_sales_to_sd	201804	74518892	2
cq-wanzhou	agri_sales_to_sd	201910	94941321	1
cq-wanzhou	agri_sales_to_sd	201907	7865213	1
\.


--
-- Data for Name: chain; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.chain (root, amount, latest) FROM stdin;
1	41	1
2	94941321	2
3	7865213	3
4	38	4
5	13	5
6	41	6
7	8542426	7
8	21162012	8
9	72712397	9
10	17	10
11	1361182	11
12	14352288	12
13	26	13
14	8	14
15	20279155	15
16	8	16
17	21	17
18	49	18
19	7665473	19
20	26981182	20
21	53805764	21
22	97050485	22
23	91738016	23
24	25	24
25	20713128	25
26	58198349	26
27	13	27
28	19	28
29	20	29
30	92119349	30
\.


--
-- Data for Name: entry; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.entry (id, node, seq, unit, indicator, period, amount, note, recorded_by, recorded_at, corrects, root, prev_amount, received_at, term) FROM stdin;
1	cq-wanzhou	1	cq-wanzhou	poor_trained	201911	41	row 0	root	1796272557	\N	\N	\N	1796272557	1
2	cq-wanzhou	2	cq-wanzhou	agri_sales_to_sd	201910	94941321	row 1	root	1796272557	\N	\N	\N	1796272557	1
3	cq-wanzhou	3	cq-wanzhou	agri_sales_to_sd	201907	7865213	row 2	root	1796272557	\N	\N	\N	1796272557	1
4	cq-wanzhou	4	cq-wanzhou	poor_trained	201908	38	row 3	root	1796272557	\N	\N	\N	1796272557	1
5	cq-wanzhou	5	cq-wanzhou	cadres_to_sd	201904	13	row 4	root	1796272557	\N	\N	\N	1796272557	1
6	cq-wanzhou	6	cq-wanzhou	poor_moved_to_sd	201902	41	row 6	root	1796272557	\N	\N	\N	1796272557	1
7	cq-wanzhou	7	cq-wanzhou	sd_investment	201907	8542426	row 7	root	1796272557	\N	\N	\N	1796272557	1
8	cq-wanzhou	8	cq-wanzhou	sd_investment	201801	21162012	row 8	root	1796272557	\N	\N	\N	1796272557	1
9	cq-wanzhou	9	cq-wanzhou	agri_sales_to_sd	201805	72712397	row 9	root	1796272557	\N	\N	\N	1796272557	1
10	cq-wanzhou	10	cq-wanzhou	poor_moved_to_sd	201912	17	row 10	root	1796272557	\N	\N	\N	1796272557	1
11	cq-wanzhou	11	cq-wanzhou	sd_investment	201801	1361182	row 13	root	1796272557	\N	\N	\N	1796272557	1
12	cq-wanzhou	12	cq-wanzhou	sd_investment	201905	14352288	row 14	root	1796272557	\N	\N	\N	1796272557	1
13	cq-wanzhou	13	cq-wanzhou	cadres_to_sd	201803	26	row 17	root	1796272557	\N	\N	\N	1796272557	1
14	cq-wanzhou	14	cq-wanzhou	cadres_to_sd	201904	8	row 19	root	1796272557	\N	\N	\N	1796272557	1
15	cq-wanzhou	15	cq-wanzhou	sd_investment	201809	20279155	row 20	root	1796272557	\N	\N	\N	1796272557	1
16	cq-wanzhou	16	cq-wanzhou	poor_trained	201802	8	row 21	root	1796272557	\N	\N	\N	1796272557	1
17	cq-wanzhou	17	cq-wanzhou	poor_moved_to_sd	201811	21	row 22	root	1796272557	\N	\N	\N	1796272557	1
18	cq-wanzhou	18	cq-wanzhou	cadres_to_sd	201909	49	row 23	root	1796272557	\N	\N	\N	1796272557	1
19	cq-wanzhou	19	cq-wanzhou	sd_investment	201901	7665473	row 25	root	1796272557	\N	\N	\N	1796272557	1
20	cq-wanzhou	20	cq-wanzhou	agri_sales_to_sd	201806	26981182	row 26	root	1796272557	\N	\N	\N	1796272557	1
21	cq-wanzhou	21	cq-wanzhou	agri_sales_to_sd	201804	53805764	row 28	root	1796272557	\N	\N	\N	1796272557	1
22	cq-wanzhou	22	cq-wanzhou	agri_sales_to_sd	201801	97050485	row 29	root	1796272557	\N	\N	\N	1796272557	1
23	cq-wanzhou	23	cq-wanzhou	sd_investment	201805	91738016	row 30	root	1796272557	\N	\N	\N	1796272557	1
24	cq-wanzhou	24	cq-wanzhou	cadres_to_sd	201902	25	row 31	root	1796272557	\N	\N	\N	1796272557	1
25	cq-wanzhou	25	cq-wanzhou	agri_sales_to_sd	201804	20713128	row 32	root	1796272557	\N	\N	\N	1796272557	1
26	cq-wanzhou	26	cq-wanzhou	agri_sales_to_sd	201903	58198349	row 33	root	1796272557	\N	\N	\N	1796272557	1
27	cq-wanzhou	27	cq-wanzhou	cadres_to_sd	201803	13	row 35	root	1796272557	\N	\N	\N	1796272557	1
28	cq-wanzhou	28	cq-wanzhou	poor_moved_to_sd	201902	19	row 36	root	1796272557	\N	\N	\N	1796272557	1
29	cq-wanzhou	29	cq-wanzhou	poor_trained	201910	20	row 37	root	1796272557	\N	\N	\N	1796272557	1
30	cq-wanzhou	30	cq-wanzhou	agri_sales_to_sd	201901	92119349	row 39	root	1796272557	\N	\N	\N	1796272557	1
\.


--
-- Data for Name: hub_term; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.hub_term (term, hub, pid, started_at) FROM stdin;
1	cq-hub	22507	2026-12-03 04:35:56.853372+00
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
schema	1
\.


--
-- Data for Name: node; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.node (id, hwm, first_seen, last_seen, entries, rejects) FROM stdin;
cq-wanzhou	30	1796272557	1796272557	30	0
\.


--
-- Data for Name: reject; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.reject (node, seq, unit, indicator, period, amount, reason, at) FROM stdin;
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
-- Name: balance balance_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.balance
    ADD CONSTRAINT balance_pkey PRIMARY KEY (unit, indicator, period);


--
-- Name: chain chain_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.chain
    ADD CONSTRAINT chain_pkey PRIMARY KEY (root);


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
-- Name: reject reject_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reject
    ADD CONSTRAINT reject_pkey PRIMARY KEY (node, seq);


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
-- PostgreSQL database dump complete
--

\unrestrict v21uy2bkpdaC0mS8UmiyaKoeLySE4Zd5uAgyZurU7bBs1RIDLIPfHOyyqnTOwsP

