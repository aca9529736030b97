"""The registry's demonstration records: the 11 activities of the Executive Director's report on
South-South cooperation (seed ``001_244045c4a3bddd7a.txt`` §14-61), with their real countries,
partners, funders, amounts, dates, phases and results, and the organizations it names.

Activities are written as rows of the CSV export (``registry.records``) and loaded through the
import, so the demo exercises the same validation as any file a coordinator uploads. Where the
report gives only a year, the date is the first (or last) day of that year; the two records the
report does not date (§45-48) carry the 2010-2011 programme of work they are reported under (§6).
Statuses are as reported in 2010, except where the planned end has since passed.
"""

# name, acronym, kind, country (ISO3), website, IATI organisation identifier, Chinese name
ORGANIZATIONS = [
    (
        "United Nations Environment Programme",
        "UNEP",
        "un_body",
        "KEN",
        "https://www.unep.org",
        "XM-DAC-41116",
        "联合国环境规划署",
    ),
    ("ASEAN Centre for Energy", "ACE", "regional_centre", "IDN", "", "", "东南亚国家联盟能源中心"),
    ("Asian Institute of Technology", "AIT", "university", "THA", "", "", "亚洲理工学院"),
    (
        "United Nations Department of Economic and Social Affairs",
        "UN DESA",
        "un_body",
        "USA",
        "",
        "",
        "联合国经济和社会事务部",
    ),
    (
        "Economic Commission for Latin America and the Caribbean",
        "ECLAC",
        "un_body",
        "CHL",
        "",
        "",
        "联合国拉丁美洲和加勒比经济委员会",
    ),
    (
        "Ministry of Science and Technology of China",
        "MOST",
        "government",
        "CHN",
        "",
        "",
        "中国科学技术部",
    ),
    (
        "Nanjing Institute of Geography and Limnology, Chinese Academy of Sciences",
        "NIGLAS",
        "university",
        "CHN",
        "",
        "",
        "南京地理与湖泊研究所",
    ),
    ("Chinese Academy of Sciences", "CAS", "university", "CHN", "", "", "中国科学院"),
    ("Tongji University", "", "university", "CHN", "", "", "同济大学"),
    (
        "Institute of Soil Science and Fertilizer",
        "",
        "university",
        "CHN",
        "",
        "",
        "土壤科学和肥料研究所",
    ),
    (
        "Shanxi Academy of Agricultural Sciences",
        "",
        "university",
        "CHN",
        "",
        "",
        "山西省农业科学院",
    ),
    (
        "Gansu Research Institute for Water Conservancy",
        "",
        "university",
        "CHN",
        "",
        "",
        "甘肃省水利科学研究所",
    ),
    (
        "Global Environment Facility",
        "GEF",
        "financial_institution",
        "USA",
        "https://www.thegef.org",
        "XM-DAC-47044",
        "全球环境基金",
    ),
    ("Government of Norway", "Norway", "government", "NOR", "", "XM-DAC-8", "挪威政府"),
    (
        "UNFCCC Expert Group on Technology Transfer",
        "EGTT",
        "mea_secretariat",
        "DEU",
        "",
        "",
        "气候变化框架公约下设技术转让专家组",
    ),
    (
        "UNEP Risø Centre on Energy, Climate and Sustainable Development",
        "URC",
        "regional_centre",
        "DNK",
        "",
        "",
        "环境署里索能源、气候和可持续发展中心",
    ),
    ("ENDA Tiers Monde", "ENDA", "ngo", "SEN", "", "", "第三世界环境发展行动组织"),
    ("Fundación Bariloche", "FB", "ngo", "ARG", "", "", "巴里洛切基金会"),
    ("Libélula", "", "private_sector", "PER", "", "", "Libélula"),
    (
        "United Nations Development Programme",
        "UNDP",
        "un_body",
        "USA",
        "",
        "XM-DAC-41114",
        "联合国开发计划署",
    ),
    ("World Food Programme", "WFP", "un_body", "ITA", "", "XM-DAC-41140", "世界粮食计划署"),
    ("European Union", "EU", "intergovernmental", "BEL", "", "", "欧洲联盟"),
    (
        "Ministry of Environment and Natural Resources of the Dominican Republic",
        "",
        "government",
        "DOM",
        "",
        "",
        "多米尼加共和国环境部",
    ),
    (
        "International Centre for Integrated Mountain Development",
        "ICIMOD",
        "regional_centre",
        "NPL",
        "https://www.icimod.org",
        "",
        "山区综合发展国际中心",
    ),
    (
        "Deutsche Gesellschaft für Technische Zusammenarbeit",
        "GTZ",
        "government",
        "DEU",
        "",
        "",
        "德国技术合作机构",
    ),
    (
        "G.B. Pant Institute of Himalayan Environment and Development",
        "GBPIHED",
        "university",
        "IND",
        "",
        "",
        "G·B·潘特喜马拉雅环境与发展研究所",
    ),
    (
        "Ministry of Environment and Forests of India",
        "MoEF",
        "government",
        "IND",
        "",
        "",
        "印度环境与森林部",
    ),
    (
        "China National Committee for ICIMOD",
        "CNICIMOD",
        "government",
        "CHN",
        "",
        "",
        "山区综合发展国际中心中国委员会",
    ),
    (
        "Institute of Geographic Sciences and Natural Resources Research, Chinese Academy of "
        "Sciences",
        "IGSNRR",
        "university",
        "CHN",
        "",
        "",
        "中国科学院地理科学与资源研究所",
    ),
    (
        "Ministry of Environment, Science and Technology of Nepal",
        "MoEST",
        "government",
        "NPL",
        "",
        "",
        "尼泊尔环境科学技术部",
    ),
    (
        "Ministry of Forests and Soil Conservation of Nepal",
        "MoFSC",
        "government",
        "NPL",
        "",
        "",
        "尼泊尔森林与土壤保持部",
    ),
    (
        "Secretariat of the United Nations Convention to Combat Desertification",
        "UNCCD",
        "mea_secretariat",
        "DEU",
        "",
        "",
        "联合国防治荒漠化公约秘书处",
    ),
    (
        "UNEP World Conservation Monitoring Centre",
        "UNEP-WCMC",
        "un_body",
        "GBR",
        "",
        "",
        "环境署世界养护监测中心",
    ),
    (
        "Sahara and Sahel Observatory",
        "OSS",
        "regional_centre",
        "TUN",
        "",
        "",
        "撒哈拉和萨赫勒天文台",
    ),
    (
        "AGRHYMET Regional Centre of the Permanent Interstate Committee for Drought Control in "
        "the Sahel",
        "AGRHYMET",
        "regional_centre",
        "NER",
        "",
        "",
        "萨赫勒国家间抗旱常设委员会区域农气水文中心",
    ),
    (
        "Central African Forests Commission",
        "COMIFAC",
        "intergovernmental",
        "CMR",
        "",
        "",
        "中部非洲森林委员会",
    ),
    (
        "IGAD Climate Prediction and Applications Centre",
        "ICPAC",
        "regional_centre",
        "KEN",
        "",
        "",
        "政府间发展管理局气候预测和应用中心",
    ),
    (
        "Desert Research Foundation of Namibia",
        "DRFN",
        "ngo",
        "NAM",
        "",
        "",
        "纳米比亚沙漠研究基金会",
    ),
    (
        "Secretariat of the Pacific Regional Environment Programme",
        "SPREP",
        "intergovernmental",
        "WSM",
        "",
        "",
        "南太平洋区域环境方案",
    ),
    (
        "Arab Center for the Studies of Arid Zones and Dry Lands",
        "ACSAD",
        "regional_centre",
        "SYR",
        "",
        "",
        "阿拉伯干旱地区和干地研究中心",
    ),
    (
        "Central Asian Countries Initiative for Land Management secretariat",
        "CACILM",
        "regional_centre",
        None,
        "",
        "",
        "中亚国家土地管理倡议秘书处",
    ),
    (
        "International Crops Research Institute for the Semi-Arid Tropics",
        "ICRISAT",
        "university",
        "IND",
        "",
        "",
        "国际半干旱热带作物研究所",
    ),
    (
        "RECOFTC – The Center for People and Forests",
        "RECOFTC",
        "regional_centre",
        "THA",
        "",
        "",
        "人与森林中心",
    ),
    (
        "Tropical Agricultural Research and Higher Education Center",
        "CATIE",
        "university",
        "CRI",
        "",
        "",
        "热带农业研究训练中心",
    ),
    (
        "Caribbean Environmental Health Institute",
        "CEHI",
        "regional_centre",
        "LCA",
        "",
        "",
        "加勒比环境健康研究所",
    ),
    (
        "Joint Research Centre of the European Commission",
        "JRC",
        "intergovernmental",
        "ITA",
        "",
        "",
        "联合研究中心",
    ),
    (
        "Secretariat of the Convention on Biological Diversity",
        "SCBD",
        "mea_secretariat",
        "CAN",
        "",
        "",
        "生物多样性公约秘书处",
    ),
    (
        "United Nations Institute for Training and Research",
        "UNITAR",
        "un_body",
        "CHE",
        "",
        "",
        "联合国训练研究所",
    ),
    ("Government of Japan", "Japan", "government", "JPN", "", "XM-DAC-701", "日本政府"),
    (
        "Non-Aligned Movement Centre for South-South Technical Cooperation",
        "NAM CSSTC",
        "regional_centre",
        "IDN",
        "",
        "",
        "不结盟运动南南技术合作中心",
    ),
    (
        "United Nations Office on Drugs and Crime",
        "UNODC",
        "un_body",
        "AUT",
        "",
        "",
        "联合国毒品和犯罪问题办公室",
    ),
    (
        "International Criminal Police Organization",
        "INTERPOL",
        "intergovernmental",
        "FRA",
        "",
        "",
        "国际刑事警察组织",
    ),
    ("World Customs Organization", "WCO", "intergovernmental", "BEL", "", "", "世界海关组织"),
    ("Norwegian Peace Corps", "FK Norway", "government", "NOR", "", "", "挪威和平队"),
    (
        "Southern African Research and Documentation Centre",
        "SARDC",
        "regional_centre",
        "ZWE",
        "",
        "",
        "南部非洲研究和文献中心",
    ),
    (
        "National Environment Management Authority of Uganda",
        "NEMA",
        "government",
        "UGA",
        "",
        "",
        "乌干达国家环境管理局",
    ),
    ("Environmental Council of Zambia", "ECZ", "government", "ZMB", "", "", "赞比亚环境委员会"),
    (
        "Environmental Information Systems Africa",
        "EIS-Africa",
        "ngo",
        "ZAF",
        "",
        "",
        "环境信息系统非洲办事处",
    ),
    (
        "Centre for Environment and Development for the Arab Region and Europe",
        "CEDARE",
        "regional_centre",
        "EGY",
        "",
        "",
        "阿拉伯区域和欧洲环境与发展中心",
    ),
    ("UNEP/GRID-Arendal", "GRID-Arendal", "ngo", "NOR", "", "", "全球资源信息数据库阿伦达尔中心"),
]


def _row(**cells) -> dict[str, str]:
    cells.setdefault("is_published", "yes")
    return {name: str(value) for name, value in cells.items()}


KAILASH_COUNTRIES = "CHN; IND; NPL"
KAILASH_THEMES = "T01; T02; T13"
AFRICA_CHINA_PARTNERS = (
    "implementing: Ministry of Science and Technology of China; "
    "funding: Ministry of Science and Technology of China"
)

ACTIVITY_ROWS = [
    _row(
        identifier="UNEP-SEAN-CC",
        title="Supporting action on climate change through a network of national climate "
        "change focal points in South-East Asia (SEAN-CC)",
        title_zh="通过在东南亚建立一个国家气候变化协调中心网络，支持针对气候变化的行动",
        status="completed",
        modality="south_south",
        scope="regional",
        actual_start="2009-01-01",
        planned_end="2011-12-31",
        lead_division="DTIE",
        subprogramme="CC",
        regional_offices="ROAP",
        countries="BRN; KHM; IDN; LAO; MYS; MMR; PHL; SGP; THA; VNM",
        thematic_areas="T02; T12",
        cross_cutting_issues="X04; X09; X10",
        meas="UNFCCC",
        support_types="training; exchange; awareness; assessment",
        objectives="Support the governments of South-East Asia in meeting their commitments "
        "under the UNFCCC: better development and exchange of knowledge; interaction and "
        "exchange of experience, information and best practice among climate change "
        "professionals; joint analysis of climate change issues and options; faster "
        "development of sound policies; faster transfer of climate-friendly technologies.",
        description="Cooperation arrangements with the governments of ten countries and "
        "partnerships with regional and national centres of excellence. Training and exchange "
        "of experience on national mitigation measures (energy-efficiency audits, efficiency "
        "standards and labelling); opportunities to scale up the Clean Development Mechanism; "
        "national and subregional sub-networks on energy efficiency and power quality; "
        "awareness material; support to research and analysis for the UNFCCC negotiations.",
        partners="technical: ASEAN Centre for Energy; technical: Asian Institute of Technology",
        outputs="Three meetings of national and international experts (2009 and 2010); "
        "an in-depth analysis of the status of and barriers to CDM projects in South-East "
        "Asia; three briefs on UNFCCC terms (sectoral approaches; NAMAs; energy service "
        "companies); an analysis of energy data; an inventory of energy agencies; an "
        "assessment of capacity for impact, vulnerability and adaptation assessment; a "
        "capacity-building workshop on energy-efficient technologies (Chiang Mai, May 2010); "
        "the network's website, online since February 2010.",
        results_narrative="Member countries understand better the climate change developments "
        "and prospects of the region's other countries; regional cooperation strengthened in "
        "the context of the climate change negotiations; dialogue between energy agencies, "
        "energy professionals and climate change offices strengthened at national and "
        "regional level.",
        links="web_page | http://www.unep.org/climatechange/sean-cc | SEAN-CC website",
    ),
    _row(
        identifier="UNEP-LAC-SRM",
        title="Strengthening national capacities for sustainable resource management in Latin "
        "America and the Caribbean",
        title_zh="在拉丁美洲和加勒比地区加强各国可持续资源管理能力",
        status="completed",
        modality="south_south",
        scope="regional",
        actual_start="2009-10-01",
        planned_end="2011-09-30",
        lead_division="DTIE",
        subprogramme="RE",
        regional_offices="ROLAC",
        cross_cutting_issues="X03; X05; X12",
        support_types="training; advisory; assessment",
        objectives="Deepen the understanding and strengthen the capacity of key stakeholders "
        "in Latin America to coordinate sustainable resource management in response to the "
        "priority needs identified, and support the development and uptake of good practice "
        "in the region.",
        description="Part of UNEP's subprogramme on resource efficiency and sustainable "
        "consumption and production, implemented through a South-South approach: broader "
        "public consultation on the importance of extracting and using the region's scarce "
        "natural resources; capacity building using expertise developed in the region; "
        "assessments of key resources reviewed by local experts; pilot projects; training of "
        "national experts and trainers; advice to governments on existing and potential "
        "initiatives. The partnership gathers about 110 stakeholders from 30 countries of "
        "the region, with international experts on its technical advisory committee.",
        partners="technical: United Nations Department of Economic and Social Affairs; "
        "technical: Economic Commission for Latin America and the Caribbean",
        outputs="A network of stakeholders with greater awareness, knowledge and skills for "
        "sustainable resource management; access to tools and policy design; recommendations "
        "with concrete follow-up action built into national plans.",
        results_narrative="Results and lessons of this phase feed the design of a follow-up "
        "phase centred on more pilot projects, training material for each key resource, "
        "recommendations built into national action plans and links with similar initiatives "
        "in other regions.",
    ),
    _row(
        identifier="UNEP-AFRICA-CHINA",
        title="Africa–China environmental cooperation programme",
        title_zh="非洲—中国环境合作方案",
        status="ongoing",
        modality="south_south",
        scope="regional",
        actual_start="2008-11-01",
        lead_division="DEPI",
        subprogramme="EM",
        regional_offices="ROA",
        countries="BDI; COD; EGY; KEN; LBY; MAR; MOZ; RWA; TZA; UGA; ZAF; ZMB",
        thematic_areas="T02; T03; T04; T12",
        cross_cutting_issues="X07; X10",
        support_types="training; fellowship; equipment; exchange; technology",
        objectives="Strengthen South-South cooperation between Africa and China: capacity "
        "building for African countries in ecosystem management, disaster reduction, "
        "adaptation to climate change and renewable energy (cooperation agreement between "
        "UNEP and China's Ministry of Science and Technology, November 2008).",
        description="Four demand-driven projects implemented in Africa through training "
        "workshops, visiting-scholar programmes, on-the-job training and pilot demonstration "
        "projects, funded by China's Ministry of Science and Technology and implemented jointly "
        "by Chinese technical institutes and the participating African countries. UNEP "
        "coordinates and facilitates implementation with national teams and the Chinese "
        "institutes and provides technical support. A platform for African and Chinese experts "
        "to exchange knowledge, ideas and experience.",
        partners=AFRICA_CHINA_PARTNERS
        + "; technical: Nanjing Institute of Geography and Limnology, Chinese Academy of "
        "Sciences; technical: Chinese Academy of Sciences; technical: Tongji University; "
        "technical: Institute of Soil Science and Fertilizer; technical: Shanxi Academy of "
        "Agricultural Sciences; technical: Gansu Research Institute for Water Conservancy",
        people_trained_other="200",
        outputs="More than 200 experts from 12 African countries trained in aspects of water "
        "management, with five Chinese institutes; four short-term fellowships (two to three "
        "months) and two long-term fellowships (more than a year) for African experts; "
        "laboratory equipment for water-quality monitoring to be sent to Burundi and the "
        "United Republic of Tanzania.",
        results_narrative="Priority areas of UNEP's 2012-2013 programme of work are to be "
        "built into the next phase; a steering committee is to improve exchange between the "
        "Ministry and UNEP and coordination between ongoing and planned projects.",
    ),
    _row(
        identifier="UNEP-AFRICA-CHINA-TANGANYIKA",
        parent="UNEP-AFRICA-CHINA",
        phase="Project 1 of 4",
        title="Monitoring capacity for the shared water resources of Lake Tanganyika",
        title_zh="提高对坦噶尼喀湖共享水资源的监测能力",
        status="ongoing",
        modality="south_south",
        scope="subregional",
        planned_start="2008-11-01",
        lead_division="DEPI",
        subprogramme="EM",
        countries="BDI; COD; TZA; ZMB",
        thematic_areas="T04; T13",
        cross_cutting_issues="X07; X08",
        support_types="training; equipment; assessment",
        objectives="Improve the capacity to monitor the shared water resources of Lake Tanganyika.",
        partners=AFRICA_CHINA_PARTNERS,
        outputs="Laboratory equipment for water-quality monitoring for Burundi and the United "
        "Republic of Tanzania.",
    ),
    _row(
        identifier="UNEP-AFRICA-CHINA-WASTEWATER",
        parent="UNEP-AFRICA-CHINA",
        phase="Project 2 of 4",
        title="Reuse of wastewater for forest plantations",
        title_zh="对森林种植园的废水进行再利用",
        status="ongoing",
        modality="south_south",
        scope="subregional",
        planned_start="2008-11-01",
        lead_division="DEPI",
        subprogramme="EM",
        countries="EGY; KEN; LBY",
        thematic_areas="T04; T08; T16",
        support_types="technology; training",
        objectives="Reuse wastewater to irrigate forest plantations.",
        partners=AFRICA_CHINA_PARTNERS,
    ),
    _row(
        identifier="UNEP-AFRICA-CHINA-DROUGHT",
        parent="UNEP-AFRICA-CHINA",
        phase="Project 3 of 4",
        title="Drought early warning and adaptation systems",
        title_zh="干旱预警和适应系统",
        status="ongoing",
        modality="south_south",
        scope="subregional",
        planned_start="2008-11-01",
        lead_division="DEPI",
        subprogramme="EM",
        countries="LBY; MAR; ZMB",
        thematic_areas="T02; T03",
        cross_cutting_issues="X07",
        support_types="assessment; technology; training",
        objectives="Early warning of drought and systems to adapt to it.",
        partners=AFRICA_CHINA_PARTNERS,
    ),
    _row(
        identifier="UNEP-AFRICA-CHINA-RAINWATER",
        parent="UNEP-AFRICA-CHINA",
        phase="Project 4 of 4",
        title="Rainwater harvesting in Africa",
        title_zh="在非洲收集雨水",
        status="ongoing",
        modality="south_south",
        scope="subregional",
        planned_start="2008-11-01",
        lead_division="DEPI",
        subprogramme="EM",
        countries="BDI; KEN; MOZ; RWA; TZA; UGA; ZAF",
        thematic_areas="T04; T19",
        support_types="technology; training",
        objectives="Harvest rainwater for water supply and agriculture.",
        partners=AFRICA_CHINA_PARTNERS,
    ),
    _row(
        identifier="UNEP-GEF-TNA",
        title="Global technology needs assessment under the UNFCCC",
        title_zh="《气候变化框架公约》下的全球技术需求评估",
        status="completed",
        modality="south_south",
        scope="global",
        actual_start="2009-11-01",
        planned_end="2012-04-30",
        lead_division="DTIE",
        subprogramme="CC",
        regional_offices="ROA; ROAP; ROLAC",
        thematic_areas="T02; T12",
        cross_cutting_issues="X09; X10",
        meas="UNFCCC",
        support_types="technology; assessment; training",
        objectives="Help developing-country parties to the UNFCCC identify and analyse their "
        "technology needs, as the basis of a portfolio of environmentally sound technology "
        "projects and programmes.",
        description="Targeted financial and technical support to a first group of 15 "
        "countries to analyse and prioritize technologies in depth, identify barriers to the "
        "transfer of priority technologies, assess market opportunities and explore South-South "
        "technology transfer; 21 more countries selected in September 2010 (36 in all). Each "
        "country prepares a national technology action plan. Regional centres support the "
        "countries: ENDA (Senegal), Fundación Bariloche (Argentina), Libélula (Peru) and the "
        "Asian Institute of Technology (Thailand).",
        partners="funding: Global Environment Facility; funding: Government of Norway; "
        "technical: UNFCCC Expert Group on Technology Transfer; "
        "implementing: UNEP Risø Centre on Energy, Climate and Sustainable Development; "
        "technical: ENDA Tiers Monde; technical: Fundación Bariloche; technical: Libélula; "
        "technical: Asian Institute of Technology; technical: United Nations Development "
        "Programme",
        funding="Global Environment Facility | gef | 9000000 | USD | 2009",
        outputs="Formal institutional arrangements in all 15 first-round countries; a TNA "
        "guidebook, prepared with UNDP, and wiki software; project website and intranet; "
        "regional capacity-building workshops for national TNA teams in Dakar, Bangkok and Lima "
        "(September 2010).",
        results_narrative="By the end of the project all 36 countries are expected to have "
        "identified and prioritized technologies for mitigation and adaptation, identified the "
        "barriers to them and prepared technology action plans.",
        links="web_page | http://www.tech-action.org | TNA project website",
    ),
    _row(
        identifier="UNEP-CBC",
        title="Caribbean Biological Corridor",
        title_zh="加勒比生物走廊",
        status="ongoing",
        modality="south_south",
        scope="subregional",
        actual_start="2009-08-01",
        lead_division="DEPI",
        subprogramme="EM",
        regional_offices="ROLAC",
        countries="CUB; DOM; HTI",
        thematic_areas="T01; T13",
        cross_cutting_issues="X01; X06",
        meas="CBD",
        support_types="institutional; training; exchange",
        objectives="A cooperation platform for all initiatives on the Caribbean Biological "
        "Corridor, to integrate conservation action in the long term between three small "
        "island developing States — Cuba, the Dominican Republic and Haiti (Jamaica as "
        "observer) — and so contribute to biodiversity conservation worldwide.",
        description="A three-country South-South cooperation programme under a tripartite "
        "political agreement: a network of protected areas for the Dominican Republic and "
        "Haiti; alternative livelihoods as a way to reduce poverty; human resources; a regional "
        "mechanism to plan and manage the resources the Dominican Republic and Haiti share. "
        "Partners include the governments, the World Food Programme, UNDP, the European Union, "
        "cooperation agencies, NGOs, local communities and the private sector.",
        partners="implementing: Ministry of Environment and Natural Resources of the Dominican "
        "Republic; technical: World Food Programme; technical: United Nations Development "
        "Programme",
        funding="European Union | extrabudgetary | 2774805 | EUR",
        outputs="Agreements between the participating countries and Jamaica as observer, "
        "including the Barahona and Santo Domingo declarations; an action plan adopted in "
        "August 2009 as the framework for the corridor, including resource mobilization; "
        "EUR 2,774,805 approved by the European Commission for a corridor project; a "
        "three-country project office; national consultations in Cuba (May 2010) and the "
        "Dominican Republic (July 2010); the first technical advisory meeting and the first "
        "ministerial meeting (July 2010).",
        results_narrative="The corridor concept is seen as a framework for environmental and "
        "natural resource management of the Caribbean islands; a training centre is to be set "
        "up in Haiti with Cuban and Dominican experts.",
    ),
    _row(
        identifier="UNEP-KSLCI",
        title="Kailash Sacred Landscape Conservation Initiative",
        title_zh="冈仁波齐“神山”的保护倡议",
        status="completed",
        modality="south_south",
        scope="subregional",
        actual_start="2009-08-01",
        planned_end="2023-07-31",
        phase="Preparatory, inception and two implementation phases, 2009-2023",
        lead_division="DEPI",
        subprogramme="EM",
        regional_offices="ROAP",
        countries=KAILASH_COUNTRIES,
        thematic_areas=KAILASH_THEMES,
        cross_cutting_issues="X07",
        meas="CBD",
        support_types="assessment; institutional; exchange",
        objectives="Initiate and promote transboundary biodiversity and cultural conservation, "
        "ecosystem management, sustainable development and adaptation to climate change in "
        "the Kailash Sacred Landscape of China, India and Nepal.",
        description="Part of UNEP's climate change and ecosystem management subprogrammes. "
        "Strategic partnerships with the key institutions of the Himalayan transboundary "
        "landscape and strong institutional links for capacity development in transboundary "
        "biodiversity conservation in China, India and Nepal. Implemented jointly by UNEP and "
        "ICIMOD with funding from the Government of Norway; GTZ supports ICIMOD directly to "
        "monitor the project. A long-term programme of regional transboundary cooperation and "
        "ecosystem management, designed in phases; later phases are to include the landscape's "
        "other neighbouring countries.",
        partners="implementing: International Centre for Integrated Mountain Development; "
        "funding: Government of Norway; "
        "technical: Deutsche Gesellschaft für Technische Zusammenarbeit; "
        "technical: G.B. Pant Institute of Himalayan Environment and Development; "
        "implementing: Ministry of Environment and Forests of India; "
        "implementing: China National Committee for ICIMOD; "
        "technical: Institute of Geographic Sciences and Natural Resources Research, Chinese "
        "Academy of Sciences; "
        "implementing: Ministry of Environment, Science and Technology of Nepal; "
        "implementing: Ministry of Forests and Soil Conservation of Nepal",
        outputs="A regional cooperation framework agreement among the member countries; a "
        "comprehensive ecological monitoring plan; an assessment of community-based "
        "adaptation and co-management options.",
        results_narrative="The three countries have come together to address shared "
        "ecological, social, economic and cultural problems and to prepare for the unavoidable "
        "impacts of climate change.",
    ),
    _row(
        identifier="UNEP-KSLCI-PREP",
        parent="UNEP-KSLCI",
        phase="Preparatory phase",
        title="Kailash Sacred Landscape Conservation Initiative — preparatory phase",
        title_zh="冈仁波齐“神山”的保护倡议——准备阶段",
        status="completed",
        modality="south_south",
        scope="subregional",
        actual_start="2009-08-01",
        planned_end="2011-01-31",
        lead_division="DEPI",
        subprogramme="EM",
        countries=KAILASH_COUNTRIES,
        thematic_areas=KAILASH_THEMES,
        support_types="assessment; institutional",
        objectives="Lay the foundation and an enabling policy environment for the inception phase.",
        partners="implementing: International Centre for Integrated Mountain Development; "
        "funding: Government of Norway",
    ),
    _row(
        identifier="UNEP-KSLCI-INCEPTION",
        parent="UNEP-KSLCI",
        phase="Inception phase",
        title="Kailash Sacred Landscape Conservation Initiative — inception phase",
        title_zh="冈仁波齐“神山”的保护倡议——启动阶段",
        status="completed",
        modality="south_south",
        scope="subregional",
        planned_start="2011-02-01",
        planned_end="2012-07-31",
        lead_division="DEPI",
        subprogramme="EM",
        countries=KAILASH_COUNTRIES,
        thematic_areas=KAILASH_THEMES,
        partners="implementing: International Centre for Integrated Mountain Development",
    ),
    _row(
        identifier="UNEP-KSLCI-IMPL1",
        parent="UNEP-KSLCI",
        phase="First implementation phase",
        title="Kailash Sacred Landscape Conservation Initiative — first implementation phase",
        title_zh="冈仁波齐“神山”的保护倡议——第一个实施阶段",
        status="completed",
        modality="south_south",
        scope="subregional",
        planned_start="2012-08-01",
        planned_end="2017-07-31",
        lead_division="DEPI",
        subprogramme="EM",
        countries=KAILASH_COUNTRIES,
        thematic_areas=KAILASH_THEMES,
        partners="implementing: International Centre for Integrated Mountain Development",
    ),
    _row(
        identifier="UNEP-KSLCI-IMPL2",
        parent="UNEP-KSLCI",
        phase="Second implementation phase",
        title="Kailash Sacred Landscape Conservation Initiative — second implementation phase",
        title_zh="冈仁波齐“神山”的保护倡议——第二个实施阶段",
        status="completed",
        modality="south_south",
        scope="subregional",
        planned_start="2017-08-01",
        planned_end="2023-07-31",
        lead_division="DEPI",
        subprogramme="EM",
        countries=KAILASH_COUNTRIES,
        thematic_areas=KAILASH_THEMES,
        partners="implementing: International Centre for Integrated Mountain Development",
    ),
    _row(
        identifier="UNEP-GEF-UNCCD-MA",
        title="Paradigm shift in monitoring and assessment under the UNCCD",
        title_zh="使《联合国关于在发生严重干旱和/或荒漠化的国家特别是在非洲防治沙漠化的公约》"
        "下的监测和评估发生模式转变",
        status="completed",
        modality="south_south",
        scope="global",
        planned_start="2010-01-01",
        planned_end="2011-12-31",
        phase="UNEP programme of work 2010-2011",
        lead_division="DEWA",
        subprogramme="EM",
        regional_offices="ROA; ROAP; ROLAC; ROE; ROWA",
        thematic_areas="T03",
        cross_cutting_issues="X04; X07; X08",
        meas="UNCCD",
        support_types="assessment; training; institutional",
        objectives="A UNEP-GEF capacity-building initiative supporting the implementation of "
        "the UNCCD through capacity building at regional, subregional and national level.",
        description="A collective effort of UNEP, the UNCCD secretariat, UNEP-WCMC and partners "
        "with a clear sustainable land management mandate and experience of the convention: 14 "
        "regional and subregional reference centres in Africa, Asia, Latin America and the "
        "Caribbean and the northern Mediterranean and central and eastern Europe promote and "
        "supervise capacity building in their regions through South-South cooperation and give "
        "parties technical support to implement the convention.",
        partners="funding: Global Environment Facility; "
        "implementing: Secretariat of the United Nations Convention to Combat Desertification; "
        "implementing: UNEP World Conservation Monitoring Centre; "
        "technical: Sahara and Sahel Observatory; technical: AGRHYMET; technical: COMIFAC; "
        "technical: ICPAC; technical: DRFN; technical: SPREP; technical: ACSAD; "
        "technical: CACILM; technical: ICRISAT; technical: RECOFTC; technical: CATIE; "
        "technical: ECLAC; technical: CEHI; technical: JRC",
    ),
    _row(
        identifier="UNEP-GEF-BIOSAFETY",
        title="Capacity-building support for the implementation of the Cartagena Protocol on "
        "Biosafety",
        title_zh="对实施《生物多样性公约卡塔赫纳生物安全议定书》提供能力建设支持",
        status="completed",
        modality="south_south",
        scope="global",
        planned_start="2010-01-01",
        planned_end="2011-12-31",
        phase="UNEP programme of work 2010-2011",
        lead_division="DEPI",
        subprogramme="EG",
        thematic_areas="T01",
        cross_cutting_issues="X01; X02; X04",
        meas="CARTAGENA; CBD; NKL",
        support_types="legal; institutional; training; advisory",
        objectives="Legal, administrative, technical and institutional measures to meet the "
        "obligations of the Cartagena Protocol on Biosafety; support to implementing or "
        "operating national biosafety frameworks.",
        description="A global capacity-building activity with the secretariat of the "
        "Convention on Biological Diversity, the GEF and its implementing agencies, "
        "governments and UNITAR, which provided material for training on the Biosafety "
        "Clearing-House. Future work follows the Strategic Plan for the Cartagena Protocol "
        "(2011-2020), extends Biosafety Clearing-House support to all eligible parties and "
        "covers the Nagoya – Kuala Lumpur Supplementary Protocol on Liability and Redress.",
        partners="technical: Secretariat of the Convention on Biological Diversity; "
        "funding: Global Environment Facility; technical: United Nations Institute for "
        "Training and Research",
        outputs="Toolkits, case studies, peer-reviewed documents, technical instruments and a "
        "highly innovative regional advisory system for the Biosafety Clearing-House, widely "
        "used by countries of the South as public goods.",
        results_narrative="Parties to the Convention ratified the Cartagena Protocol rapidly.",
        links="web_page | http://www.unep.org/biosafety/Projects.aspx | UNEP biosafety projects",
    ),
    _row(
        identifier="UNEP-ASIA-AFRICA-LAW",
        title="Asian-African strategic partnership for cooperation in environmental law",
        title_zh="支持新的亚非战略伙伴关系，以促进环境法领域的亚非合作",
        status="completed",
        modality="south_south",
        scope="regional",
        planned_start="2008-01-01",
        planned_end="2010-12-31",
        lead_division="DELC",
        subprogramme="EG",
        regional_offices="ROA; ROAP",
        cross_cutting_issues="X01; X02; X04",
        support_types="legal; advisory; exchange; training",
        objectives="Build the capacity of developing countries of Asia and Africa to develop, "
        "implement and enforce environmental law and the institutions it needs, so that "
        "environmental protection becomes part of national development policy; networks of "
        "government agencies and officials, the judiciary, practising lawyers and academics to "
        "share experience and good practice, guided by the Bandung Roadmap on environmental "
        "law.",
        description="Two components: advisory services and technical assistance to several "
        "developing countries of Asia and Africa to develop, implement and enforce "
        "environmental law, with hubs that accumulate the experience; and networks built "
        "through capacity building for government officials and other stakeholders. Funded by "
        "the Government of Japan; implemented with governments, regional development banks, "
        "regional judicial and enforcement networks, centres of excellence, universities, UN "
        "bodies, intergovernmental organizations and MEA secretariats.",
        partners="funding: Government of Japan; technical: Non-Aligned Movement Centre for "
        "South-South Technical Cooperation; technical: United Nations Development Programme; "
        "technical: United Nations Office on Drugs and Crime; technical: International Criminal "
        "Police Organization; technical: World Customs Organization",
    ),
    _row(
        identifier="UNEP-MESA",
        title="Mainstreaming Environment and Sustainability in African Universities "
        "Partnership (MESA)",
        title_zh="将环境和可持续性作为主流纳入非洲大学伙伴关系方案",
        status="ongoing",
        modality="south_south",
        scope="regional",
        actual_start="2004-01-01",
        lead_division="DEPI",
        subprogramme="EG",
        regional_offices="ROA",
        thematic_areas="T02; T12",
        cross_cutting_issues="X11",
        support_types="awareness; training; exchange",
        objectives="Bring environment and sustainability concerns into teaching, research, "
        "community engagement and management of universities and other higher-education "
        "institutions across disciplines.",
        description="Running in 90 universities of 42 African countries. Under the Bali "
        "Strategic Plan it involves universities in influencing policy through capacity "
        "building and technical support; it contributes to the environmental part of the UN "
        "Decade of Education for Sustainable Development (2005-2014). Extended worldwide "
        "through the Global Universities Partnership on Environment and Sustainability, with "
        "the Institute of Environment for Sustainable Development of Tongji University "
        "(consultation with MESA members in Nairobi, November 2010).",
        partners="technical: Tongji University",
        institutions_supported="90",
        outputs="90 universities in 42 African countries in the partnership; South-South and "
        "South-North university networks; knowledge networks on renewable energy, energy "
        "efficiency and greenhouse gas reduction.",
    ),
    _row(
        identifier="UNEP-MESCA",
        parent="UNEP-MESA",
        phase="Caribbean replication",
        title="Mainstreaming Environment and Sustainability in Caribbean Universities",
        title_zh="将环境和可持续性作为主流纳入加勒比地区大学的伙伴关系方案",
        status="ongoing",
        modality="south_south",
        scope="subregional",
        planned_start="2010-01-01",
        lead_division="DEPI",
        subprogramme="EG",
        countries="BLZ; BRB; GUY; HTI; JAM; SUR; TTO",
        cross_cutting_issues="X11",
        support_types="awareness; training",
        objectives="The MESA partnership replicated in the Caribbean, with themes tailored to "
        "the region.",
    ),
    _row(
        identifier="UNEP-NORWAY-AFRICA-IEA",
        title="Triangular exchange programme to strengthen institutional capacity for "
        "integrated environmental assessment and reporting",
        title_zh="加强综合环境评估和报告的机构能力的三角合作交流方案",
        status="completed",
        modality="triangular",
        scope="regional",
        actual_start="2009-01-01",
        actual_end="2010-12-31",
        lead_division="DEWA",
        subprogramme="EG",
        regional_offices="ROA",
        countries="EGY; ETH; RWA; UGA; ZAF; ZMB; ZWE",
        cross_cutting_issues="X07; X08",
        support_types="exchange; training; institutional",
        objectives="Strengthen institutional capacity for integrated environmental assessment "
        "and reporting within the Africa Environment Information Network, through exchanges of "
        "young professionals between Norwegian and African organizations (South-South and "
        "North-South).",
        description="Supported by UNEP and the Norwegian Peace Corps; UNEP/GRID-Arendal "
        "coordinates the exchanges: 12 months (main programme) and 6 months (youth programme). "
        "Norwegian institutions give specialized technical support to the African participants.",
        partners="funding: Norwegian Peace Corps; funding: Government of Norway; "
        "implementing: UNEP/GRID-Arendal; "
        "beneficiary: Southern African Research and Documentation Centre; "
        "beneficiary: National Environment Management Authority of Uganda; "
        "beneficiary: Environmental Council of Zambia; "
        "beneficiary: Environmental Information Systems Africa; "
        "beneficiary: Centre for Environment and Development for the Arab Region and Europe",
        institutions_supported="6",
        outputs="Main programme: NEMA staff seconded to GRID-Arendal (North-South) and to the "
        "Environmental Council of Zambia; Council staff seconded to NEMA (South-South); "
        "GRID-Arendal staff at EIS-Africa for the EIS-Africa conference (Kampala, October "
        "2009). Youth programme: five young people from GRID-Arendal with the African "
        "organizations and one young African at GRID-Arendal; ten young people exchanged "
        "between the six institutions. Publications with Norwegian support: Zambia: Atlas of "
        "Our Changing Environment; Zambezi River Basin: Atlas of the Changing Environment; "
        "support to the environment information networks of Ethiopia and Rwanda.",
        results_narrative="The next phase (2010-2011) is to centre on cooperation between four "
        "subregional centres in the Africa Environment Outlook process.",
    ),
]

# Offers of the South-South exchange mechanism (001 §68-70) drawn from the activities above:
# title, kind, provider, themes, support types, countries where it worked, South-South,
# the activity it comes from, description.
SOLUTIONS = [
    (
        "Integrated ecological monitoring for transboundary mountain landscapes",
        "method",
        "International Centre for Integrated Mountain Development",
        "T01 T13 T02",
        "assessment exchange",
        "CHN IND NPL",
        True,
        "UNEP-KSLCI",
        "A comprehensive ecological monitoring plan and community-based adaptation and "
        "co-management assessment, agreed by China, India and Nepal for the Kailash Sacred "
        "Landscape.",
    ),
    (
        "Rainwater harvesting for water supply and farming in drylands",
        "technology",
        "Gansu Research Institute for Water Conservancy",
        "T04 T19 T03",
        "technology training",
        "BDI KEN MOZ RWA TZA UGA ZAF",
        True,
        "UNEP-AFRICA-CHINA-RAINWATER",
        "Rainwater harvesting techniques demonstrated in seven African countries under the "
        "Africa–China cooperation programme.",
    ),
    (
        "Water-quality monitoring of shared lakes: training and laboratory set-up",
        "training",
        "Nanjing Institute of Geography and Limnology, Chinese Academy of Sciences",
        "T04 T13",
        "training equipment",
        "BDI COD TZA ZMB",
        True,
        "UNEP-AFRICA-CHINA-TANGANYIKA",
        "Training in water management and water-quality laboratory equipment for the countries "
        "sharing Lake Tanganyika.",
    ),
    (
        "Technology needs assessment guidebook and TNA wiki",
        "guideline",
        "UNEP Risø Centre on Energy, Climate and Sustainable Development",
        "T02 T12",
        "assessment technology",
        "",
        False,
        "UNEP-GEF-TNA",
        "Guidebook (prepared with UNDP) and wiki software to prioritize technologies, analyse "
        "barriers and prepare technology action plans.",
    ),
    (
        "Energy-efficiency audits, standards and labelling: training and exchange",
        "training",
        "Asian Institute of Technology",
        "T02 T12",
        "training exchange",
        "KHM IDN LAO PHL THA VNM",
        True,
        "UNEP-SEAN-CC",
        "Training and exchange of experience on national mitigation measures in South-East Asia.",
    ),
    (
        "Biosafety Clearing-House regional advisory system",
        "advisory",
        "United Nations Environment Programme",
        "T01",
        "legal advisory",
        "",
        False,
        "UNEP-GEF-BIOSAFETY",
        "Regional advisers, toolkits and training material to meet the obligations of the "
        "Cartagena Protocol.",
    ),
    (
        "Asia–Africa network on environmental law and its enforcement",
        "network",
        "Non-Aligned Movement Centre for South-South Technical Cooperation",
        "",
        "legal exchange",
        "IDN",
        True,
        "UNEP-ASIA-AFRICA-LAW",
        "Government officials, judges, lawyers and academics of Asia and Africa sharing "
        "experience of environmental law.",
    ),
    (
        "Global Universities Partnership on Environment and Sustainability",
        "network",
        "Tongji University",
        "T02 T12",
        "awareness training exchange",
        "CHN KEN",
        True,
        "UNEP-MESA",
        "South-South and South-North university networks bringing environment and "
        "sustainability into teaching and research.",
    ),
    (
        "Young-professional exchanges for integrated environmental assessment and reporting",
        "expertise",
        "UNEP/GRID-Arendal",
        "",
        "exchange training",
        "UGA ZMB",
        False,
        "UNEP-NORWAY-AFRICA-IEA",
        "Twelve- and six-month placements between environment agencies of Africa and Norway.",
    ),
]

# The inventory of sources of assistance (004 §2, §10): name, provider, kind, themes, support
# types, regions eligible (empty: all), website, description, eligibility, how to apply.
ASSISTANCE_SOURCES = [
    (
        "GEF Trust Fund grants",
        "Global Environment Facility",
        "financial",
        "T01 T02 T03 T04 T06 T07",
        "technology assessment institutional",
        "",
        "https://www.thegef.org",
        "Grants for projects on biodiversity, climate change, land degradation, international "
        "waters and chemicals, as financial mechanism of the conventions.",
        "Developing countries and countries with economies in transition that are eligible "
        "under the conventions the GEF serves.",
        "Through a GEF agency such as UNEP or UNDP, with the endorsement of the country's GEF "
        "operational focal point.",
    ),
    (
        "UNEP technology support and capacity-building under the Bali Strategic Plan",
        "United Nations Environment Programme",
        "technical",
        "",
        "training advisory legal technology assessment institutional exchange awareness",
        "",
        "https://www.unep.org",
        "Technical support and capacity-building in response to national needs.",
        "Developing countries and countries with economies in transition.",
        "A country focal point files a request on this portal; the regional office routes it to "
        "a division.",
    ),
    (
        "Africa–China science and technology cooperation on environment",
        "Ministry of Science and Technology of China",
        "both",
        "T02 T03 T04 T12",
        "training fellowship equipment technology",
        "ROA",
        "",
        "Training, fellowships, equipment and pilot projects with Chinese research institutes.",
        "African countries.",
        "Through UNEP's Regional Office for Africa, which coordinates the programme with the "
        "Ministry.",
    ),
    (
        "Professional exchanges of the Norwegian Peace Corps",
        "Norwegian Peace Corps",
        "technical",
        "",
        "exchange training",
        "ROA",
        "",
        "Exchanges of staff and young professionals between institutions in Norway and the South.",
        "Partner institutions in developing countries.",
        "Through a partner institution already in an exchange programme, such as "
        "UNEP/GRID-Arendal.",
    ),
]
