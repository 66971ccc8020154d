"""Every data file the loaders know: relative path -> canonical URL, sha256, licence.

The table is the single source of truth for downloads and for the top-level
``datasets/datasets.json`` (``graphlabels.data.registry.registry_json`` writes it).
URLs point at the exact commit the sha256 was taken from. ``url=None`` marks a file
that was derived locally (it has no canonical download); ``sha256=None`` marks a file
whose hash is not known yet (it is downloaded with a warning, never silently).
"""

# ruff: noqa: E501
from __future__ import annotations

from typing import NamedTuple

__all__ = ["FILES", "FileSpec"]


class FileSpec(NamedTuple):
    """One data file under the data root."""

    url: str | None
    sha256: str | None
    size: int | None
    licence: str


_PLANETOID = "https://raw.githubusercontent.com/kimiyoung/planetoid/af6abf468a77/"
_WIKIVITALS = (
    "https://raw.githubusercontent.com/ToineSayan/wikivitals-lvl5-04-2022/e88115f6bfe2/"
)
_YANDEX = "https://raw.githubusercontent.com/yandex-research/heterophilous-graphs/a431395582e9/"
_SHCHUR = "https://raw.githubusercontent.com/shchur/gnn-benchmark/1e72912a0810/"
_TAG_BENCH = "https://raw.githubusercontent.com/sktsherlock/TAG-Benchmark/9553c4e4a4bb/"
_META_ATTACK = (
    "https://raw.githubusercontent.com/danielzuegner/gnn-meta-attack/982d900d05f1/"
)
_GRAPHMASTER = "https://raw.githubusercontent.com/EnjunDu/GraphMaster/dc27a6e7fc72/"
_TAPE_HEAD = "https://raw.githubusercontent.com/XiaoxinHe/TAPE/26f1e43b6aa9/"
_TAPE = "https://raw.githubusercontent.com/XiaoxinHe/TAPE/1938a25cd339/"
_GEOM_GCN = "https://raw.githubusercontent.com/graphdml-uiuc-jlu/geom-gcn/f1fc0d14b3b0/"

_LIC0 = "MIT"
_LIC1 = "MIT (repo LICENSE, (c) 2016 Zhilin Yang); underlying LINQS data: no explicit licence"
_LIC2 = (
    "no LICENSE file; Wikipedia-derived text (CC BY-SA 3.0/4.0 applies to article text)"
)
_LIC3 = "no LICENSE file"
_LIC4 = "MIT (LICENCE.txt, Yandex Research)"
_LIC5 = "MIT (shchur/gnn-benchmark LICENSE)"
_LIC6 = "data: MIT (origin shchur/gnn-benchmark); CrawlScript repo: GPL-3.0"
_LIC7 = "MIT per README badge (no LICENSE file)"
_LIC8 = 'no LICENSE file in EnjunDu/GraphMaster (default copyright); texts are TAPE-format Cora titles/abstracts (McCallum Cora, "free to use for any research")'
_LIC9 = "same as inputs"
_LIC10 = "MIT (TAPE LICENSE); CiteSeer text from original CiteSeer corpus, no explicit licence"
_LIC11 = "no LICENSE file in repo (default copyright); data originally WebKB / Wikipedia (MUSAE) / film-actor"
_LIC12 = "no LICENSE file in repo"

FILES: dict[str, FileSpec] = {
    k: FileSpec(*v)
    for k, v in {
        "planetoid/LICENSE": (
            _PLANETOID + "LICENSE",
            "8eeeea48c8b4bc197ad1d7ab01143ac43d52053e560b175bca7ca722c4047234",
            1076,
            _LIC0,
        ),
        "planetoid/ind.citeseer.allx": (
            _PLANETOID + "data/ind.citeseer.allx",
            "2ac30345d95c9ec933a817ee0bdd6a5f077f8c184a20e696910192d534414668",
            595021,
            _LIC1,
        ),
        "planetoid/ind.citeseer.ally": (
            _PLANETOID + "data/ind.citeseer.ally",
            "f704b2d986dde6c2669934de1f3ae5696a6cf9455c0f6b2646a2d135ea0a1c95",
            55623,
            _LIC1,
        ),
        "planetoid/ind.citeseer.graph": (
            _PLANETOID + "data/ind.citeseer.graph",
            "d79a4ef9d3e7169aee8946145f6b7306e35bc79bffad26346cfb94e10e9912a7",
            61987,
            _LIC1,
        ),
        "planetoid/ind.citeseer.test.index": (
            _PLANETOID + "data/ind.citeseer.test.index",
            "2af990671580b6b2df5d158d1038f8292e30c9cd821b5453f399659b25b723d4",
            5000,
            _LIC1,
        ),
        "planetoid/ind.citeseer.tx": (
            _PLANETOID + "data/ind.citeseer.tx",
            "539a8906a2da97628d212f2fdd668c109a8b3f0d36574b59e5d3fd5b5303da21",
            260321,
            _LIC1,
        ),
        "planetoid/ind.citeseer.ty": (
            _PLANETOID + "data/ind.citeseer.ty",
            "55e5bd1ba1e733a04598753ad1a8d57957f4b8f89e74519f41f4f4938767e4ce",
            24135,
            _LIC1,
        ),
        "planetoid/ind.citeseer.x": (
            _PLANETOID + "data/ind.citeseer.x",
            "d20de19150741e555de0ed037195630fc194114ebc7fd72ced62810148aa22f6",
            31087,
            _LIC1,
        ),
        "planetoid/ind.citeseer.y": (
            _PLANETOID + "data/ind.citeseer.y",
            "8ba87e515d8e3ee3cf52f6d2c5b86aa73f11ecad825a808455209ec26cd54924",
            3014,
            _LIC1,
        ),
        "planetoid/ind.cora.allx": (
            _PLANETOID + "data/ind.cora.allx",
            "9419ba2f26f5c35243db64aba110e0f35a04851609e0dc5433450676ca6b8543",
            257305,
            _LIC1,
        ),
        "planetoid/ind.cora.ally": (
            _PLANETOID + "data/ind.cora.ally",
            "2b998f5cc7fedc86e7f97ca2498f47a1ffc1462c29e2d578b23bf3f62b6e7d71",
            47959,
            _LIC1,
        ),
        "planetoid/ind.cora.graph": (
            _PLANETOID + "data/ind.cora.graph",
            "58f13302f39dde8852dad6fe6d15b89b077b6d7f837626bce671ef80344b383d",
            59847,
            _LIC1,
        ),
        "planetoid/ind.cora.test.index": (
            _PLANETOID + "data/ind.cora.test.index",
            "297ce89af2b51a6a194181c7dbe1796c6a1cf9cd9349a88383b1b1e227867875",
            5000,
            _LIC1,
        ),
        "planetoid/ind.cora.tx": (
            _PLANETOID + "data/ind.cora.tx",
            "b9afbaa4a400df991f6f02ef677e1e44da55ffc04801fd02f9e673987829226a",
            148025,
            _LIC1,
        ),
        "planetoid/ind.cora.ty": (
            _PLANETOID + "data/ind.cora.ty",
            "41f5ac76596a1699cc33f53084a2419e92961c42bb75f36fc38e616d348532ad",
            28135,
            _LIC1,
        ),
        "planetoid/ind.cora.x": (
            _PLANETOID + "data/ind.cora.x",
            "23cfa55d91c6f624233f5eb7b6e3f141f1bd2b2ae39608a63cf5d084bb27baab",
            22119,
            _LIC1,
        ),
        "planetoid/ind.cora.y": (
            _PLANETOID + "data/ind.cora.y",
            "94465c14eb53e04ca262198dcbb2521ee8af60fb3f3d546cd6ca24a511b0e7d1",
            4054,
            _LIC1,
        ),
        "planetoid/ind.pubmed.ally": (
            _PLANETOID + "data/ind.pubmed.ally",
            "0c37bbe3b5014ec365e9d393cf4791925e5ed94fb194305d74f064a8d7b50f0e",
            224739,
            _LIC1,
        ),
        "planetoid/ind.pubmed.graph": (
            _PLANETOID + "data/ind.pubmed.graph",
            "5b89f0036ca22909471f1e6558eb42fa06e0c730a577bde5b058b40638f81dc9",
            471808,
            _LIC1,
        ),
        "planetoid/ind.pubmed.test.index": (
            _PLANETOID + "data/ind.pubmed.test.index",
            "b101d421688bbaecbd82e8a18f1e282378d6830f3a37666f28ebc47f844341b5",
            6000,
            _LIC1,
        ),
        "planetoid/ind.pubmed.tx": (
            _PLANETOID + "data/ind.pubmed.tx",
            "4eb5f5d0f30f26497eb0ac6ac9719d09c67e284f1ed0385c93f3ef27a671da3d",
            405505,
            _LIC1,
        ),
        "planetoid/ind.pubmed.ty": (
            _PLANETOID + "data/ind.pubmed.ty",
            "ee2e0d4819d9fbcc403689c3bf2e49face401b605932f093bc58ab6461130fdd",
            12135,
            _LIC1,
        ),
        "planetoid/ind.pubmed.x": (
            _PLANETOID + "data/ind.pubmed.x",
            "fbe9cb5c47200d1b7769a26e579be3b7130b556831f9d850e77c4c74f2599b33",
            23172,
            _LIC1,
        ),
        "planetoid/ind.pubmed.y": (
            _PLANETOID + "data/ind.pubmed.y",
            "e6c807633307a07ed659249006536a147c7999c797f11a2560752990181b41b3",
            854,
            _LIC1,
        ),
        "wikivitals/README.md": (
            _WIKIVITALS + "dataset/README.md",
            "6590c22fc7a7510e792d55cc35a10a3da03d67272b73f93598e7d36f7dfb75ad",
            3914,
            _LIC2,
        ),
        "wikivitals/README.repo.md": (
            _WIKIVITALS + "README.md",
            "efad007f256f84a01721db6b2be059659d23da7b218ce3c94562f43ebb2dee0f",
            17465,
            _LIC3,
        ),
        "wikivitals/txt/classes0.txt": (
            _WIKIVITALS + "dataset/txt/classes0.txt",
            "0dabc2a345992d5d745203c6fa2ae14d85789ba213b711da032976b10857155e",
            1007614,
            _LIC2,
        ),
        "wikivitals/txt/classes1.txt": (
            _WIKIVITALS + "dataset/txt/classes1.txt",
            "71be75b89477fd98b5bb6a8d92078e90bcb1094540a892cfaca727171f9523c6",
            2100904,
            _LIC2,
        ),
        "wikivitals/txt/classes2.txt": (
            _WIKIVITALS + "dataset/txt/classes2.txt",
            "d35d16e678fb96273925f3d89b300a22d5187d9642bbbe4f2b87a76369be53a8",
            3099675,
            _LIC2,
        ),
        "wikivitals/txt/features_vocabulary.txt": (
            _WIKIVITALS + "dataset/txt/features_vocabulary.txt",
            "48f8218bc362d4450045839b9baa129ad447758484c45461d95bc0637d8413b9",
            50488,
            _LIC2,
        ),
        "wikivitals/txt/titles.txt": (
            _WIKIVITALS + "dataset/txt/titles.txt",
            "7e3017b332aa0031f93a420f350000a876806948d3c1b99703746d23a06df7ef",
            1111899,
            _LIC2,
        ),
        "wikivitals/txt/titles_countvec.txt": (
            _WIKIVITALS + "dataset/txt/titles_countvec.txt",
            "9d8739787a5e80c94187900d6f39440b6cd09d4cc7b4637c1d7a4b5f18c8af30",
            1086069,
            _LIC2,
        ),
        "heterophilous/LICENCE.txt": (
            _YANDEX + "LICENCE.txt",
            "71a17759c33e65c9660ee8afced33efdb24f0aea921467730a287dcbea451a0c",
            1080,
            _LIC0,
        ),
        "heterophilous/README.md": (
            _YANDEX + "README.md",
            "ab26d589f40b64233818942e35cc36997abdc81c90c23f7d3413d7f22cf53991",
            4049,
            _LIC0,
        ),
        "heterophilous/actor.npz": (
            _YANDEX + "data/actor.npz",
            "c350eef06b2c2a9bf8218be2b57cac6d4003d0922eb597a039e9123f75817816",
            252956,
            _LIC4,
        ),
        "heterophilous/chameleon.npz": (
            _YANDEX + "data/chameleon.npz",
            "4c640bd2877fc4f9f101531e2f977bc16445a54e09a5cb01178df608e552f3fd",
            177840,
            _LIC4,
        ),
        "heterophilous/chameleon_filtered.npz": (
            _YANDEX + "data/chameleon_filtered.npz",
            "bf46f07e1fb5249280447e5fe3100f3e82fc4b93ad1e13ffcfdec924b6ac0bb5",
            58924,
            _LIC4,
        ),
        "heterophilous/cornell.npz": (
            _YANDEX + "data/cornell.npz",
            "684c54ba3daa13b0ba1f04a3d6dd1b1175c1ae9bdeb982851fd4ff96d3aac298",
            30515,
            _LIC4,
        ),
        "heterophilous/minesweeper.npz": (
            _YANDEX + "data/minesweeper.npz",
            "e664c8dacf1e8ac466c2c09ed4b237bd2c5541f47a6eae9c6092cb87f16412b3",
            135045,
            _LIC4,
        ),
        "heterophilous/squirrel.npz": (
            _YANDEX + "data/squirrel.npz",
            "d436e3b42c0546b105241c0ab0766097074e68e55f67b133eeb9b0162e55cbd9",
            704277,
            _LIC4,
        ),
        "heterophilous/squirrel_filtered.npz": (
            _YANDEX + "data/squirrel_filtered.npz",
            "f06370ffb3116c5de8b7a600005400b2293c025e0ce2f6916d8201a825505ac7",
            208215,
            _LIC4,
        ),
        "heterophilous/texas.npz": (
            _YANDEX + "data/texas.npz",
            "b164b99e6c3d43e4ab07488ec59bd8c815f90cbc1bd4cf425ce587d2b534d844",
            28586,
            _LIC4,
        ),
        "heterophilous/wisconsin.npz": (
            _YANDEX + "data/wisconsin.npz",
            "2543c89838cfc75f737f7c4664cc1d097f8268602c20b2d1bd4f21407df9c074",
            41672,
            _LIC4,
        ),
        "gnn_benchmark/LICENSE.shchur-gnn-benchmark": (
            _SHCHUR + "LICENSE",
            "a319e099466ff9a0b4855a30d27ce4eeaad304863bd73f95a5f7c1696ea2e8ed",
            1124,
            _LIC5,
        ),
        "gnn_benchmark/amazon_electronics_computers.npz": (
            _SHCHUR + "data/npz/amazon_electronics_computers.npz",
            "736ba1d9fd85eac2da83a5ad25c463f04b0031a6ca01563f90a7099d9e8ffb2c",
            31921488,
            _LIC6,
        ),
        "gnn_benchmark/amazon_electronics_photo.npz": (
            _SHCHUR + "data/npz/amazon_electronics_photo.npz",
            "bdb1feb8e6ff42ee44024b04479145029c563fd42fc31bff80af20887ba0439a",
            17113960,
            _LIC6,
        ),
        "gnn_benchmark/citeseer.npz": (
            _SHCHUR + "data/npz/citeseer.npz",
            "280278b21b434c047922e8389518861416fb3ad39389c27865ff0e6bbb0aaab7",
            1348784,
            _LIC5,
        ),
        "gnn_benchmark/cora.npz": (
            _SHCHUR + "data/npz/cora.npz",
            "068e22d90c3849b4057dfb05851741428992af058efcd4e7ebb4186f3d581de2",
            540580,
            _LIC5,
        ),
        "gnn_benchmark/ms_academic_cs.npz": (
            _SHCHUR + "data/npz/ms_academic_cs.npz",
            "933c745734e78908c7eb77172a673fee0503f30e26e5a99b36814d88534c42e3",
            12835626,
            _LIC6,
        ),
        "tag/webkb/Washington/Washington.csv": (
            _TAG_BENCH + "data/webkb/Washington/Washington.csv",
            "85c7ac53ff8e11c83e2d4b64f557b72233e3184ae5429056c64e4ce7a6c9b143",
            384709,
            _LIC7,
        ),
        "tag/webkb/Washington/Washington.pt": (
            _TAG_BENCH + "data/webkb/Washington/Washington.pt",
            "af9e63117d58459282dba70b0678ecb203239bda473ef230b40a853c9e2e450c",
            13053,
            _LIC7,
        ),
        "tag/webkb/Washington/Washington.txt": (
            _TAG_BENCH + "data/webkb/Washington/Washington.txt",
            "6040810c1543111be7b4324bfa82e83def09658a5e829e886e84706f07cef72a",
            367090,
            _LIC7,
        ),
        "tag/webkb/Wisconsin/Wisconsin.csv": (
            _TAG_BENCH + "data/webkb/Wisconsin/Wisconsin.csv",
            "49f2d7bfe9449dde2d9c583bc8a642f300b2b3de73e10e409d20cd742a5d85a8",
            579481,
            _LIC7,
        ),
        "tag/webkb/Wisconsin/Wisconsin.pt": (
            _TAG_BENCH + "data/webkb/Wisconsin/Wisconsin.pt",
            "0c8422f0389f16389ab7f2c9e63bd0df5eec4b546c52edc4335a64f578790725",
            15197,
            _LIC7,
        ),
        "tag/webkb/Wisconsin/Wisconsin.txt": (
            _TAG_BENCH + "data/webkb/Wisconsin/Wisconsin.txt",
            "d00d31298bf36834768ca77a088a38908530da209c357a6109a926b448ab199f",
            560428,
            _LIC7,
        ),
        "tag/webkb/Cornell/Cornell.csv": (
            _TAG_BENCH + "data/webkb/Cornell/Cornell.csv",
            "9df54de8059186c5a374e8dd56076f8f3422658ad48316aba684d8ffe45b95fb",
            406640,
            _LIC7,
        ),
        "tag/webkb/Cornell/Cornell.pt": (
            _TAG_BENCH + "data/webkb/Cornell/Cornell.pt",
            "6b45dbfc674bedc67988fa2d2889e6c7adba1038ae67eb0ccd4492c8f8d3e7eb",
            11117,
            _LIC7,
        ),
        "tag/webkb/Cornell/Cornell.txt": (
            _TAG_BENCH + "data/webkb/Cornell/Cornell.txt",
            "5279b3246720229edab3c5349f9eae62591daaba3bd29a7a6ce9dd733c75c86b",
            390552,
            _LIC7,
        ),
        "tag/webkb/Texas/Texas.csv": (
            _TAG_BENCH + "data/webkb/Texas/Texas.csv",
            "4769410dd18a93bf0dcda643f01061a388466130232d5d458d8669b2cf06d2a6",
            291962,
            _LIC7,
        ),
        "tag/webkb/Texas/Texas.pt": (
            _TAG_BENCH + "data/webkb/Texas/Texas.pt",
            "a4da0e8695df990660c86582f7c96b66762379724da7f99d10fd08f188187bd4",
            11373,
            _LIC7,
        ),
        "tag/webkb/Texas/Texas.txt": (
            _TAG_BENCH + "data/webkb/Texas/Texas.txt",
            "524453a031db77e125e1ca0b3e9feaed03d1573fadd864dfe57e3dc69187c928",
            279199,
            _LIC7,
        ),
        "tag/cora_partial/LICENSE.gnn-meta-attack": (
            _META_ATTACK + "LICENSE",
            "e14fee0e70542c540d8a76cf055a3b54d7267caa98150e4fd20aebc61a4b9577",
            1103,
            _LIC0,
        ),
        "tag/cora_partial/README.GraphMaster-data.md": (
            _GRAPHMASTER + "data/README.md",
            "1bb1850dfc7fe1f1e887f0c89bc2d5f50f20c0679c271adf9b318483591505ae",
            3277,
            _LIC8,
        ),
        "tag/cora_partial/cora_planetoid_coraml_words.tsv": (
            None,
            "8b04aa594101d810e9027eaf1462fb4f819cb7646b1abc66cbe1cd31a699ad9f",
            1024940,
            _LIC9,
        ),
        "tag/cora_partial/cora_planetoid_texts_partial.jsonl": (
            None,
            "f0efcc64c9a447da6e0c0d54aebe1c86dddbe8087fd847ff77c754d7547c0c87",
            1449565,
            _LIC9,
        ),
        "tag/cora_partial/subcora_to_planetoid.tsv": (
            None,
            "f815d26bb234a7fe430a5f39ec9fc84a275fa8ee734a0b71b9cbe865cf671624",
            52441,
            _LIC9,
        ),
        "tag/citeseer/LICENSE": (
            _TAPE_HEAD + "LICENSE",
            "927d67fefc02c9d0e128d84c1d18fca87d9f35181f55e62d8c3023a6937e6733",
            1110,
            _LIC0,
        ),
        "tag/citeseer/README": (
            _TAPE + "dataset/CiteSeer-Orig/README",
            "379ea236e1071ba819f36f5f420f4249604a415e42507b4581ba3d0aa2b2ca98",
            1390,
            _LIC10,
        ),
        "tag/citeseer/citeseer.cites": (
            _TAPE + "dataset/CiteSeer-Orig/citeseer.cites",
            "cd9730630eaaa745058c2cd2cce6b9afb79ca71278a479aebec55f4cf5eb7f30",
            137062,
            _LIC10,
        ),
        "tag/citeseer/citeseer_text_to_planetoid_index.tsv": (
            None,
            "0aa6fc980d093a1a53e7cfea068de4b507ece81ae76058672a066c94ead13053",
            87865,
            _LIC9,
        ),
        "tag/citeseer/citeseer_texts.txt": (
            _TAPE + "dataset/CiteSeer-Orig/citeseer_texts.txt",
            "9070723640766aaa09875ce72397a4325feecac968ed9fb44152820b651f1f17",
            3319359,
            _LIC10,
        ),
        "geom_gcn/new_data/film/out1_graph_edges.txt": (
            _GEOM_GCN + "new_data/film/out1_graph_edges.txt",
            "997cdce67ea9c29257d3ffe796328391931901cf823830affa453178b60e2c3e",
            323820,
            _LIC11,
        ),
        "geom_gcn/new_data/film/out1_node_feature_label.txt": (
            _GEOM_GCN + "new_data/film/out1_node_feature_label.txt",
            "1d5cdd094f8b91e770f6decfca85b35cf42f75d1efb51055fd6af16e11820ff8",
            207718,
            _LIC11,
        ),
        "geom_gcn/new_data/squirrel/out1_graph_edges.txt": (
            _GEOM_GCN + "new_data/squirrel/out1_graph_edges.txt",
            "453d8e96754d68e2ab0a7ebb56f93506b59531d95abaec7a2b46fe1eae7c39cd",
            2115917,
            _LIC11,
        ),
        "geom_gcn/new_data/wisconsin/out1_graph_edges.txt": (
            _GEOM_GCN + "new_data/wisconsin/out1_graph_edges.txt",
            "ebd213511c88fce1eda450c2f920600c4b8cbb38f02384856bcc47c6ec1807ae",
            3606,
            _LIC11,
        ),
        "geom_gcn/new_data/wisconsin/out1_node_feature_label.txt": (
            _GEOM_GCN + "new_data/wisconsin/out1_node_feature_label.txt",
            "a32b0aa38d42f0d36841e8a8cb646d197f0ff33a182ac75a2b4476aeed3c7e4b",
            856324,
            _LIC11,
        ),
        "geom_gcn/new_data/texas/out1_graph_edges.txt": (
            _GEOM_GCN + "new_data/texas/out1_graph_edges.txt",
            "0fe85183243a78cbee9b85a684f8240963d04d1020d10e9cd2b8cfb25e33b476",
            2172,
            _LIC11,
        ),
        # Deviation from the MANIFEST, which lists this file (and cornell's) as
        # fetched from new_data/cornell with this hash: the content is Texas's (it
        # equals Yandex texas.npz's features and labels, fits texas's edges and
        # splits, and its labels do not fit Cornell). So the hash is Texas's file
        # and the URL is the texas path; Cornell's real hash is unknown (below).
        "geom_gcn/new_data/texas/out1_node_feature_label.txt": (
            _GEOM_GCN + "new_data/texas/out1_node_feature_label.txt",
            "cf5a3ca346cdd1210b8342e22517fcbbdae658065b7a3145f59350e50e6236a3",
            624308,
            _LIC11,
        ),
        "geom_gcn/new_data/chameleon/out1_graph_edges.txt": (
            _GEOM_GCN + "new_data/chameleon/out1_graph_edges.txt",
            "45ac593de9207470090230c8fd76beeb2f60b5371a9be088e8bf31e7f0619a4b",
            332448,
            _LIC11,
        ),
        "geom_gcn/new_data/cornell/out1_graph_edges.txt": (
            _GEOM_GCN + "new_data/cornell/out1_graph_edges.txt",
            "c4522a00cc40873c8a04a3a07c49e24a48a507eb284ac9c9f2d3e0590351bbb7",
            2001,
            _LIC11,
        ),
        "geom_gcn/new_data/cornell/out1_node_feature_label.txt": (
            _GEOM_GCN + "new_data/cornell/out1_node_feature_label.txt",
            None,  # the MANIFEST's hash (cf5a3ca3...) is Texas's file, see above
            None,
            _LIC11,
        ),
        "geom_gcn/splits/chameleon_split_0.6_0.2_0.npz": (
            _GEOM_GCN + "splits/chameleon_split_0.6_0.2_0.npz",
            "36605525b69be4e7df5b31fe6a1d044288c6ebf9f9f0514ca151f6a36afc5e8b",
            1775,
            _LIC12,
        ),
        "geom_gcn/splits/chameleon_split_0.6_0.2_1.npz": (
            _GEOM_GCN + "splits/chameleon_split_0.6_0.2_1.npz",
            "d0779d5a1bedf1967d394468a52c0175fb00595d361fba897faf73322386c952",
            1779,
            _LIC12,
        ),
        "geom_gcn/splits/chameleon_split_0.6_0.2_2.npz": (
            _GEOM_GCN + "splits/chameleon_split_0.6_0.2_2.npz",
            "86ad0d827bf4301dff830598fc0b70d0dd8689c5b4d72dab1d87a6c1970c4c6e",
            1777,
            _LIC12,
        ),
        "geom_gcn/splits/chameleon_split_0.6_0.2_3.npz": (
            _GEOM_GCN + "splits/chameleon_split_0.6_0.2_3.npz",
            "37b3e994adf3afc55e16b617ed05af4e3ce308800755839084d77eced0528e9d",
            1755,
            _LIC12,
        ),
        "geom_gcn/splits/chameleon_split_0.6_0.2_4.npz": (
            _GEOM_GCN + "splits/chameleon_split_0.6_0.2_4.npz",
            "f6b1d067b2b330132839d8b6120077bdc6cf759f7ce421f881a02e2953ec4596",
            1778,
            _LIC12,
        ),
        "geom_gcn/splits/chameleon_split_0.6_0.2_5.npz": (
            _GEOM_GCN + "splits/chameleon_split_0.6_0.2_5.npz",
            "e7661834275c826692510cea0457b18b2c1ee38771f178d06e701b97541a1f6d",
            1772,
            _LIC12,
        ),
        "geom_gcn/splits/chameleon_split_0.6_0.2_6.npz": (
            _GEOM_GCN + "splits/chameleon_split_0.6_0.2_6.npz",
            "16648d1197c1d3a2dec385346212c382030b0d5a8c997f4255aa2afa68a6b174",
            1774,
            _LIC12,
        ),
        "geom_gcn/splits/chameleon_split_0.6_0.2_7.npz": (
            _GEOM_GCN + "splits/chameleon_split_0.6_0.2_7.npz",
            "61adcc53846becefecd466a5364dda23b983d387d1ac5d58c6e24d080c0fcba7",
            1764,
            _LIC12,
        ),
        "geom_gcn/splits/chameleon_split_0.6_0.2_8.npz": (
            _GEOM_GCN + "splits/chameleon_split_0.6_0.2_8.npz",
            "7076ad5341a8218b1f5b6eccf9cfd15d28286ea11ef5c06eeee77af24ff2bf63",
            1770,
            _LIC12,
        ),
        "geom_gcn/splits/chameleon_split_0.6_0.2_9.npz": (
            _GEOM_GCN + "splits/chameleon_split_0.6_0.2_9.npz",
            "743c4f813bf6130398a6511eb9ff07d2366c73bd6c7fddaf226a3f9e2917e0e7",
            1773,
            _LIC12,
        ),
        "geom_gcn/splits/citeseer_split_0.6_0.2_0.npz": (
            _GEOM_GCN + "splits/citeseer_split_0.6_0.2_0.npz",
            "31d483e4c9cbdd031c35e284fbda3935bfda6901b8618e4ef0381af5b9143582",
            2266,
            _LIC12,
        ),
        "geom_gcn/splits/citeseer_split_0.6_0.2_1.npz": (
            _GEOM_GCN + "splits/citeseer_split_0.6_0.2_1.npz",
            "1e02e3220676a90715b5a868b207dc19f49e5bc13ef1e8a8c8305fb46e028659",
            2284,
            _LIC12,
        ),
        "geom_gcn/splits/citeseer_split_0.6_0.2_2.npz": (
            _GEOM_GCN + "splits/citeseer_split_0.6_0.2_2.npz",
            "910ce9d1a9c12f2ce84486fa7d1953d560c2cf57f9e0c213a4ae362ca56bff77",
            2261,
            _LIC12,
        ),
        "geom_gcn/splits/citeseer_split_0.6_0.2_3.npz": (
            _GEOM_GCN + "splits/citeseer_split_0.6_0.2_3.npz",
            "e8c84d2e0099b3c0d692a68126c03370579f0cd83c0dab42b25a0fb3b94cb2c6",
            2278,
            _LIC12,
        ),
        "geom_gcn/splits/citeseer_split_0.6_0.2_4.npz": (
            _GEOM_GCN + "splits/citeseer_split_0.6_0.2_4.npz",
            "a45c9e6b4abe527499a1a1bf545063cdc910c82ef4676f1ef4e483bb77712c8e",
            2122,
            _LIC12,
        ),
        "geom_gcn/splits/citeseer_split_0.6_0.2_5.npz": (
            _GEOM_GCN + "splits/citeseer_split_0.6_0.2_5.npz",
            "fc0f6091daab2b0f37a3522dbc60052d9bce4209e7c06482f6beb61a4ed442b9",
            2123,
            _LIC12,
        ),
        "geom_gcn/splits/citeseer_split_0.6_0.2_6.npz": (
            _GEOM_GCN + "splits/citeseer_split_0.6_0.2_6.npz",
            "c99f610ff84bf5f5c3fe71b548c3cdf9c9bf02185d0152432b290877df1c4a3b",
            2260,
            _LIC12,
        ),
        "geom_gcn/splits/citeseer_split_0.6_0.2_7.npz": (
            _GEOM_GCN + "splits/citeseer_split_0.6_0.2_7.npz",
            "26bb7e5ea3aed014df5765af845fae70db9cdbb8875c46fc89cc4d6d042fb182",
            2269,
            _LIC12,
        ),
        "geom_gcn/splits/citeseer_split_0.6_0.2_8.npz": (
            _GEOM_GCN + "splits/citeseer_split_0.6_0.2_8.npz",
            "f8efadce7a3732ac39ec6625f591c9ed0b4222d95257f25f2a05ad5518e4a7eb",
            2261,
            _LIC12,
        ),
        "geom_gcn/splits/citeseer_split_0.6_0.2_9.npz": (
            _GEOM_GCN + "splits/citeseer_split_0.6_0.2_9.npz",
            "d9e586dad1886b3e1fdf3999140a192bb0cacea67c7849262ec862b8e7286cdf",
            2278,
            _LIC12,
        ),
        "geom_gcn/splits/cora_split_0.6_0.2_0.npz": (
            _GEOM_GCN + "splits/cora_split_0.6_0.2_0.npz",
            "619931e6c3f0248bf9c7b6be24680a0a617bcfaba661cb0d7afaee8e18a74a51",
            1989,
            _LIC12,
        ),
        "geom_gcn/splits/cora_split_0.6_0.2_1.npz": (
            _GEOM_GCN + "splits/cora_split_0.6_0.2_1.npz",
            "d24be667034cb15a55bbf512dbae07b39c758eed66a9ba27106fa795422fe11c",
            1958,
            _LIC12,
        ),
        "geom_gcn/splits/cora_split_0.6_0.2_2.npz": (
            _GEOM_GCN + "splits/cora_split_0.6_0.2_2.npz",
            "811fb695c4c9ab0a53ab3a665bf4232652a08a6e38faac5b43a7da43a8454b74",
            1967,
            _LIC12,
        ),
        "geom_gcn/splits/cora_split_0.6_0.2_3.npz": (
            _GEOM_GCN + "splits/cora_split_0.6_0.2_3.npz",
            "9d9c19d88a689b76a4b97e8694ef8d20cb0f1b192bbd05a0d5649c91f0cb6ef4",
            1956,
            _LIC12,
        ),
        "geom_gcn/splits/cora_split_0.6_0.2_4.npz": (
            _GEOM_GCN + "splits/cora_split_0.6_0.2_4.npz",
            "3040b6bc0ddfff3757d55f514becf0b1b6b2e382114bfb0bc900dbcbb58fca17",
            1942,
            _LIC12,
        ),
        "geom_gcn/splits/cora_split_0.6_0.2_5.npz": (
            _GEOM_GCN + "splits/cora_split_0.6_0.2_5.npz",
            "52373862971060e366829930332acabaa90cc6f41019c52bf6c92e4c22f8f093",
            2008,
            _LIC12,
        ),
        "geom_gcn/splits/cora_split_0.6_0.2_6.npz": (
            _GEOM_GCN + "splits/cora_split_0.6_0.2_6.npz",
            "07847ea94e8b19970cf86731f19869aac0c56310d27f687d0feb9553d7525dd6",
            1944,
            _LIC12,
        ),
        "geom_gcn/splits/cora_split_0.6_0.2_7.npz": (
            _GEOM_GCN + "splits/cora_split_0.6_0.2_7.npz",
            "262573079c8b1f4bc043d32edd3d23a6c36f1d7258efe60c11a6197ba0eee560",
            1962,
            _LIC12,
        ),
        "geom_gcn/splits/cora_split_0.6_0.2_8.npz": (
            _GEOM_GCN + "splits/cora_split_0.6_0.2_8.npz",
            "d6c6a2163aeadd103ae386e800e473d2388da866f3f464199180d9b0e2f7d6cc",
            1956,
            _LIC12,
        ),
        "geom_gcn/splits/cora_split_0.6_0.2_9.npz": (
            _GEOM_GCN + "splits/cora_split_0.6_0.2_9.npz",
            "9d236d0cf723871d88dea567afe92d50c11d0ffba280349a5cc7f5f2ea42202f",
            1948,
            _LIC12,
        ),
        "geom_gcn/splits/cornell_split_0.6_0.2_0.npz": (
            _GEOM_GCN + "splits/cornell_split_0.6_0.2_0.npz",
            "14022a1e19ec7fc0a07a2c06a785a2f9dc52809dbcd1c14fc318f7800675d73f",
            704,
            _LIC12,
        ),
        "geom_gcn/splits/cornell_split_0.6_0.2_1.npz": (
            _GEOM_GCN + "splits/cornell_split_0.6_0.2_1.npz",
            "5568fa27e968a724c92211bf97026a36a08893cf94b218043e49b4c973c35cfb",
            700,
            _LIC12,
        ),
        "geom_gcn/splits/cornell_split_0.6_0.2_2.npz": (
            _GEOM_GCN + "splits/cornell_split_0.6_0.2_2.npz",
            "763fc1f423395e4172617fa5b6bc0d7adad2241e5fedd1a4f0a098a67f9dc8e9",
            695,
            _LIC12,
        ),
        "geom_gcn/splits/cornell_split_0.6_0.2_3.npz": (
            _GEOM_GCN + "splits/cornell_split_0.6_0.2_3.npz",
            "4334321cd9ec42de9d51107fb9a6dc310512e0921bc1cff0f390301ee37315fa",
            701,
            _LIC12,
        ),
        "geom_gcn/splits/cornell_split_0.6_0.2_4.npz": (
            _GEOM_GCN + "splits/cornell_split_0.6_0.2_4.npz",
            "2b6b3ef396f4dc7fcdc276fb16b88bb87409b25879dd672b3a506eca844dd8d7",
            759,
            _LIC12,
        ),
        "geom_gcn/splits/cornell_split_0.6_0.2_5.npz": (
            _GEOM_GCN + "splits/cornell_split_0.6_0.2_5.npz",
            "1a40ef8b20aa9e1aa850e1abdaba3efac1f66c98ef2c6a59eadefa21136ece6b",
            754,
            _LIC12,
        ),
        "geom_gcn/splits/cornell_split_0.6_0.2_6.npz": (
            _GEOM_GCN + "splits/cornell_split_0.6_0.2_6.npz",
            "bcddf4ab59eae4c7d47b8a6cec9025a54ec0e6d3f3bdcd7678e201f25ace4642",
            758,
            _LIC12,
        ),
        "geom_gcn/splits/cornell_split_0.6_0.2_7.npz": (
            _GEOM_GCN + "splits/cornell_split_0.6_0.2_7.npz",
            "2b497e12dfc123d7e7c9bb4fc4a82b5bee18409e109a3e3a04da439cacec964d",
            693,
            _LIC12,
        ),
        "geom_gcn/splits/cornell_split_0.6_0.2_8.npz": (
            _GEOM_GCN + "splits/cornell_split_0.6_0.2_8.npz",
            "5c4e110d252d7ad156b2e4cd34b6dbd1cecbcc1755f8d72e932cc2a54f2b643c",
            701,
            _LIC12,
        ),
        "geom_gcn/splits/cornell_split_0.6_0.2_9.npz": (
            _GEOM_GCN + "splits/cornell_split_0.6_0.2_9.npz",
            "80f1531807194d301affbf6f879a4ab4f56a19bdccb62d192e3ecd1b5275f052",
            704,
            _LIC12,
        ),
        "geom_gcn/splits/film_split_0.6_0.2_0.npz": (
            _GEOM_GCN + "splits/film_split_0.6_0.2_0.npz",
            "4505a41d4e90abd94d1ec22571ce528b09ad7cf20d87f764aebd4177590767f5",
            4214,
            _LIC12,
        ),
        "geom_gcn/splits/film_split_0.6_0.2_1.npz": (
            _GEOM_GCN + "splits/film_split_0.6_0.2_1.npz",
            "1871b0d24e3977c41e378fd24acc8025b63f86b77739be77a5b558d1287f207d",
            4231,
            _LIC12,
        ),
        "geom_gcn/splits/film_split_0.6_0.2_2.npz": (
            _GEOM_GCN + "splits/film_split_0.6_0.2_2.npz",
            "d26680e911ef3ecc9fc2a26d90c9d35028c63aadd7a5aea774649d1496c282cb",
            4224,
            _LIC12,
        ),
        "geom_gcn/splits/film_split_0.6_0.2_3.npz": (
            _GEOM_GCN + "splits/film_split_0.6_0.2_3.npz",
            "6755ad5f6a0be8594b344af3d2261eed935b83b73c4d70136e1a7beea7f78cb0",
            4207,
            _LIC12,
        ),
        "geom_gcn/splits/film_split_0.6_0.2_4.npz": (
            _GEOM_GCN + "splits/film_split_0.6_0.2_4.npz",
            "328fdca62b25074f21f2922518e042f24b3b8a1fc378f9dfb2cae36439aed902",
            4233,
            _LIC12,
        ),
        "geom_gcn/splits/film_split_0.6_0.2_5.npz": (
            _GEOM_GCN + "splits/film_split_0.6_0.2_5.npz",
            "5b3161a8dc8de4b2e651ebd56d68e768d1377044895b325566117fe26ab81cb7",
            4224,
            _LIC12,
        ),
        "geom_gcn/splits/film_split_0.6_0.2_6.npz": (
            _GEOM_GCN + "splits/film_split_0.6_0.2_6.npz",
            "e251b38abd4d7931b5e9ae5aba99dcdf87f0be283bdf6e65421274a1c9ef1df6",
            4221,
            _LIC12,
        ),
        "geom_gcn/splits/film_split_0.6_0.2_7.npz": (
            _GEOM_GCN + "splits/film_split_0.6_0.2_7.npz",
            "12164ef9f5620a2f12a387f4f2b8636859d42201101d6d32829ade62d5a98326",
            4205,
            _LIC12,
        ),
        "geom_gcn/splits/film_split_0.6_0.2_8.npz": (
            _GEOM_GCN + "splits/film_split_0.6_0.2_8.npz",
            "405cd1f7f631f678119f8bf2405809e86614d532985beb59566fcf95abd35b3f",
            4217,
            _LIC12,
        ),
        "geom_gcn/splits/film_split_0.6_0.2_9.npz": (
            _GEOM_GCN + "splits/film_split_0.6_0.2_9.npz",
            "505691c5d41bb37b20d085415dcdde2e8e68b5bc4e1feb2c0e361308002012bb",
            4208,
            _LIC12,
        ),
        "geom_gcn/splits/pubmed_split_0.6_0.2_0.npz": (
            _GEOM_GCN + "splits/pubmed_split_0.6_0.2_0.npz",
            "a15825b5bf77ffd2e9179e354f455bb9a6f8c4886cb28796688a38d45d75bdc9",
            9669,
            _LIC12,
        ),
        "geom_gcn/splits/pubmed_split_0.6_0.2_1.npz": (
            _GEOM_GCN + "splits/pubmed_split_0.6_0.2_1.npz",
            "51f2349156410d851859ff4858ecd401d05d024f1a3936250dd8e844a6fd527b",
            9664,
            _LIC12,
        ),
        "geom_gcn/splits/pubmed_split_0.6_0.2_2.npz": (
            _GEOM_GCN + "splits/pubmed_split_0.6_0.2_2.npz",
            "d94a2a3d607f23d7dc88dabb966db7c7da187e0a2af3c848d88ab0c5452c4a2b",
            9706,
            _LIC12,
        ),
        "geom_gcn/splits/pubmed_split_0.6_0.2_3.npz": (
            _GEOM_GCN + "splits/pubmed_split_0.6_0.2_3.npz",
            "62c389ddac567fcd25654db846fc693973c69cddf083f5495d33b592a768515e",
            9653,
            _LIC12,
        ),
        "geom_gcn/splits/pubmed_split_0.6_0.2_4.npz": (
            _GEOM_GCN + "splits/pubmed_split_0.6_0.2_4.npz",
            "3b2bbeb2f4bbee257bb4c626c15c3e3dd0e9da6ed23bf16f6ac520b95e18f84d",
            9705,
            _LIC12,
        ),
        "geom_gcn/splits/pubmed_split_0.6_0.2_5.npz": (
            _GEOM_GCN + "splits/pubmed_split_0.6_0.2_5.npz",
            "23aea01576f71aa165cd70564fb53b3f158d1ff71c1227e062797870fe130551",
            9640,
            _LIC12,
        ),
        "geom_gcn/splits/pubmed_split_0.6_0.2_6.npz": (
            _GEOM_GCN + "splits/pubmed_split_0.6_0.2_6.npz",
            "9122bd4e8e42cab8d33e952693d18d0f49c5f11327b922baefb81228ee903c44",
            9701,
            _LIC12,
        ),
        "geom_gcn/splits/pubmed_split_0.6_0.2_7.npz": (
            _GEOM_GCN + "splits/pubmed_split_0.6_0.2_7.npz",
            "958706e960939c716a5204671c08399864600ce82094755b2e61975137ccfae9",
            9710,
            _LIC12,
        ),
        "geom_gcn/splits/pubmed_split_0.6_0.2_8.npz": (
            _GEOM_GCN + "splits/pubmed_split_0.6_0.2_8.npz",
            "764dd33802022d7ab2595f08f21b424e83007aceeb5f85c9403c74bf791f56f6",
            9705,
            _LIC12,
        ),
        "geom_gcn/splits/pubmed_split_0.6_0.2_9.npz": (
            _GEOM_GCN + "splits/pubmed_split_0.6_0.2_9.npz",
            "b9d4b4362fc02751c168f68f4120ab2fb516f4c84d447571653f1cd692946a66",
            9704,
            _LIC12,
        ),
        "geom_gcn/splits/squirrel_split_0.6_0.2_0.npz": (
            _GEOM_GCN + "splits/squirrel_split_0.6_0.2_0.npz",
            "f112b88d3354e86d164d4d915b6a1f695c10f0e01e3e6b9893fc7b09bb93191d",
            3134,
            _LIC12,
        ),
        "geom_gcn/splits/squirrel_split_0.6_0.2_1.npz": (
            _GEOM_GCN + "splits/squirrel_split_0.6_0.2_1.npz",
            "2486c687c8befb55930a6237f76f1d86ce2ba345782eda6157f4e752d05f304f",
            3130,
            _LIC12,
        ),
        "geom_gcn/splits/squirrel_split_0.6_0.2_2.npz": (
            _GEOM_GCN + "splits/squirrel_split_0.6_0.2_2.npz",
            "d62ff83862ad96022d3400dfc9b7ca405834ca62767319d97c36b3f02db978c0",
            3121,
            _LIC12,
        ),
        "geom_gcn/splits/squirrel_split_0.6_0.2_3.npz": (
            _GEOM_GCN + "splits/squirrel_split_0.6_0.2_3.npz",
            "af3d90e0b2718ac7417e10e8b5b382443667412e846cabc3cc4e4a592f4cedae",
            3126,
            _LIC12,
        ),
        "geom_gcn/splits/squirrel_split_0.6_0.2_4.npz": (
            _GEOM_GCN + "splits/squirrel_split_0.6_0.2_4.npz",
            "fbe848298bb72b88db0704050cf216e2a93c916540d577906f3e644b679a6a2c",
            3124,
            _LIC12,
        ),
        "geom_gcn/splits/squirrel_split_0.6_0.2_5.npz": (
            _GEOM_GCN + "splits/squirrel_split_0.6_0.2_5.npz",
            "cd04fab46a181151ddd97ce93c65fe79558fb79ffa230b62f488ebfaf5fdcd75",
            3111,
            _LIC12,
        ),
        "geom_gcn/splits/squirrel_split_0.6_0.2_6.npz": (
            _GEOM_GCN + "splits/squirrel_split_0.6_0.2_6.npz",
            "b9189f7903ca7556a025c54dd5be6c00ec5952d4299e71630bc9876157676412",
            3118,
            _LIC12,
        ),
        "geom_gcn/splits/squirrel_split_0.6_0.2_7.npz": (
            _GEOM_GCN + "splits/squirrel_split_0.6_0.2_7.npz",
            "ea7fb3ca5d5aa45b917b99fb7d64d4e87322b2b5303a0156c547aa3f1a6c8941",
            3138,
            _LIC12,
        ),
        "geom_gcn/splits/squirrel_split_0.6_0.2_8.npz": (
            _GEOM_GCN + "splits/squirrel_split_0.6_0.2_8.npz",
            "b43faa190ca6dd4885a39dfc2a93d59f56f5174f3567bdbc49b18dd9cd9b7fb4",
            3132,
            _LIC12,
        ),
        "geom_gcn/splits/squirrel_split_0.6_0.2_9.npz": (
            _GEOM_GCN + "splits/squirrel_split_0.6_0.2_9.npz",
            "529ade4b86fd191908a96011f25c454653083674b6d4f090b3fdd27af2d14f62",
            3146,
            _LIC12,
        ),
        "geom_gcn/splits/texas_split_0.6_0.2_0.npz": (
            _GEOM_GCN + "splits/texas_split_0.6_0.2_0.npz",
            "7ba77bf7a8856fcc0ab15623a611b8cdce994e820f577da914123fb4f45272b0",
            698,
            _LIC12,
        ),
        "geom_gcn/splits/texas_split_0.6_0.2_1.npz": (
            _GEOM_GCN + "splits/texas_split_0.6_0.2_1.npz",
            "21cc244a96e3c51ad7993afb4dd227f90e467d82b964bb42d7d9fc500a6ef87f",
            701,
            _LIC12,
        ),
        "geom_gcn/splits/texas_split_0.6_0.2_2.npz": (
            _GEOM_GCN + "splits/texas_split_0.6_0.2_2.npz",
            "b9e96a699ccf3a4c31ffbd03e52b25570889833425d20fa44e06c37b327cf61e",
            756,
            _LIC12,
        ),
        "geom_gcn/splits/texas_split_0.6_0.2_3.npz": (
            _GEOM_GCN + "splits/texas_split_0.6_0.2_3.npz",
            "1a7deeb1285009789d5e6045d7e39f7d019c9223d9a75a2b7ce5e26d33b51f63",
            759,
            _LIC12,
        ),
        "geom_gcn/splits/texas_split_0.6_0.2_4.npz": (
            _GEOM_GCN + "splits/texas_split_0.6_0.2_4.npz",
            "b5419ff3fe31adcae66fdb085d4f47d0b188e9436ab59f438632af969aafc674",
            702,
            _LIC12,
        ),
        "geom_gcn/splits/texas_split_0.6_0.2_5.npz": (
            _GEOM_GCN + "splits/texas_split_0.6_0.2_5.npz",
            "68405fd1b9ff6105d99717220ecbd198785e338bf4a73abee722bbc9703d2667",
            691,
            _LIC12,
        ),
        "geom_gcn/splits/texas_split_0.6_0.2_6.npz": (
            _GEOM_GCN + "splits/texas_split_0.6_0.2_6.npz",
            "8ad78b973164e70e5ac0d282e79adcbc6006e373909fbdfd72a13131e09040b8",
            756,
            _LIC12,
        ),
        "geom_gcn/splits/texas_split_0.6_0.2_7.npz": (
            _GEOM_GCN + "splits/texas_split_0.6_0.2_7.npz",
            "a84bcbf997365bddf5fdf72ed49dc7e435e475f8c6210f8cdee7c8581a2bd6df",
            693,
            _LIC12,
        ),
        "geom_gcn/splits/texas_split_0.6_0.2_8.npz": (
            _GEOM_GCN + "splits/texas_split_0.6_0.2_8.npz",
            "65ba65f296f91d40d2d7d3c9369b67415094a7e254c6eee48cd6d6531c586fdf",
            762,
            _LIC12,
        ),
        "geom_gcn/splits/texas_split_0.6_0.2_9.npz": (
            _GEOM_GCN + "splits/texas_split_0.6_0.2_9.npz",
            "4306981d654ad8835c000c1f73fb6c1e60dfe99e26c13a6073f3b0f4cc3ce6ee",
            693,
            _LIC12,
        ),
        "geom_gcn/splits/wisconsin_split_0.6_0.2_0.npz": (
            _GEOM_GCN + "splits/wisconsin_split_0.6_0.2_0.npz",
            "f66f641e191d35d491cd3b63d6c2cd93c4b436da398984b44c19a8d4d7e7b1a5",
            805,
            _LIC12,
        ),
        "geom_gcn/splits/wisconsin_split_0.6_0.2_1.npz": (
            _GEOM_GCN + "splits/wisconsin_split_0.6_0.2_1.npz",
            "534aeb97266bd5a85a8587adf8eebad3f2e001c1240610f24b62c0ad0c2466ee",
            739,
            _LIC12,
        ),
        "geom_gcn/splits/wisconsin_split_0.6_0.2_2.npz": (
            _GEOM_GCN + "splits/wisconsin_split_0.6_0.2_2.npz",
            "047a5b641778ec3a4c76055fd7f18ecb2424c0952f20dfff7e1b17749d8acbdd",
            747,
            _LIC12,
        ),
        "geom_gcn/splits/wisconsin_split_0.6_0.2_3.npz": (
            _GEOM_GCN + "splits/wisconsin_split_0.6_0.2_3.npz",
            "706c27b4c51d046c0316f1e915f093e4a1fff48b3436b3e7c421eab596a99e77",
            810,
            _LIC12,
        ),
        "geom_gcn/splits/wisconsin_split_0.6_0.2_4.npz": (
            _GEOM_GCN + "splits/wisconsin_split_0.6_0.2_4.npz",
            "7ee813605eec086457aaff022cf3837f2f893fcf8bd37e3a8d2ff0c80e4c4f87",
            812,
            _LIC12,
        ),
        "geom_gcn/splits/wisconsin_split_0.6_0.2_5.npz": (
            _GEOM_GCN + "splits/wisconsin_split_0.6_0.2_5.npz",
            "8094ac2bdaf2cbea8f7a48df66a0800c809b2fd5942740e6b0441b660d3a0dd5",
            749,
            _LIC12,
        ),
        "geom_gcn/splits/wisconsin_split_0.6_0.2_6.npz": (
            _GEOM_GCN + "splits/wisconsin_split_0.6_0.2_6.npz",
            "c423a8deea9b18f9ecb6cfd703578e2159df167de01fe7e6195b88995010252d",
            735,
            _LIC12,
        ),
        "geom_gcn/splits/wisconsin_split_0.6_0.2_7.npz": (
            _GEOM_GCN + "splits/wisconsin_split_0.6_0.2_7.npz",
            "57ad808c8d4dd94dc4404124370bbcebb3dcc597c2bea6457bf05f220adf1527",
            733,
            _LIC12,
        ),
        "geom_gcn/splits/wisconsin_split_0.6_0.2_8.npz": (
            _GEOM_GCN + "splits/wisconsin_split_0.6_0.2_8.npz",
            "27d4d62a2a6aea2cdc399302237512ab0d64fb0c84e648112f97c5896274e42f",
            741,
            _LIC12,
        ),
        "geom_gcn/splits/wisconsin_split_0.6_0.2_9.npz": (
            _GEOM_GCN + "splits/wisconsin_split_0.6_0.2_9.npz",
            "3c149cd124a19021031609e0d7743a7be59aae4f88c8d38410138e8f06f5daaf",
            744,
            _LIC12,
        ),
        # Known to exist upstream, not obtained here: no sha256 recorded yet.
        "planetoid/ind.pubmed.allx": (
            _PLANETOID + "data/ind.pubmed.allx",
            None,
            None,
            _LIC1,
        ),
        "gnn_benchmark/ms_academic_phy.npz": (
            _SHCHUR + "data/npz/ms_academic_phy.npz",
            None,
            None,
            _LIC5,
        ),
    }.items()
}
