#!/usr/bin/env python3
"""Writes data/demo/assortment.csv: a fictional demo assortment (DOMAIN.md §3) in the import format of
src/codec/assortment_csv.c, as a Swedish Excel "CSV UTF-8" export looks (byte order mark, ';', CRLF).

Deterministic: the same file on every run. Every supplier is fictional and every price an example.
Usage: tools/gen_demo_assortment.py [OUTPUT]   (default: data/demo/assortment.csv)
"""
import os
import random
import sys

SUPPLIERS = {
    "nord": "Exempelleverantör Nord AB",
    "syd": "Exempelleverantör Syd AB",
    "nutri": "Exempel Nutrition Demo AB",
    "vast": "Exempelmedicin Väst AB",
    "ost": "Exempelvård Öst AB",
    "kont": "Exempel Kontinens Demo AB",
}

FLAVOURS = ["jordgubb", "vanilj", "choklad", "banan", "kaffe", "persika", "skogsbär", "neutral",
            "aprikos", "tropisk"]
SIZES = ["S", "M", "L", "XL"]


def fam(area, names, unit, pack, price, supplier, special=0.0, unstocked=0.0, acute=0.0):
    """A product family: names, unit, pack size (int or per-name list), price range in kronor per
    package, and the chances that an article is special (not stocked), merely not stocked, or in
    the acute assortment (of those stocked)."""
    return dict(area=area, names=names, unit=unit, pack=pack, price=price, supplier=supplier,
                special=special, unstocked=unstocked, acute=acute)


def cross(fmt, *lists):
    out = [fmt]
    for values in lists:
        out = [o.replace("{}", v, 1) for o in out for v in values]
    return out


NUTRITION = [
    fam("nutrition", cross("Näringsdryck {} 200 ml, {}", ["energi 1,5 kcal/ml",
        "protein 2,4 kcal/ml", "fiber 1,5 kcal/ml"], FLAVOURS), "förp", 4, (68, 128), "nutri",
        acute=0.35),
    fam("nutrition", cross("Näringsdryck kompakt 125 ml, {}", FLAVOURS), "förp", 4, (72, 135),
        "nord", acute=0.2),
    fam("nutrition", cross("Sondnäring {} {}", ["standard 1,0 kcal/ml", "energi 1,5 kcal/ml",
        "fiber 1,0 kcal/ml", "peptidbaserad 1,0 kcal/ml", "proteinrik 1,3 kcal/ml",
        "vid diabetes 1,0 kcal/ml", "för barn 1,0 kcal/ml", "för barn 1,5 kcal/ml",
        "låg volym 2,0 kcal/ml"], ["500 ml", "1000 ml", "1500 ml"]), "förp", 8, (420, 1650),
        "nutri", special=0.08, acute=0.4),
    fam("nutrition", ["Förtjockningsmedel pulver burk 125 g", "Förtjockningsmedel pulver burk 300 g",
        "Förtjockningsmedel gel 12 x 150 ml"], "st", 1, (95, 260), "syd", acute=0.3),
    fam("nutrition", ["Förtjockningsmedel portionspåse 1,2 g"], "förp", 100, (180, 240), "syd"),
    fam("nutrition", cross("Förtjockad dryck {}, {}", ["äpple", "apelsin", "vatten", "fläder"],
        ["lätt konsistens", "medel konsistens", "tjock konsistens"]), "förp", 12, (110, 190),
        "syd", unstocked=0.05),
    fam("nutrition", cross("Näringspudding 125 g, {}", ["vanilj", "choklad", "jordgubb", "kola"]),
        "förp", 4, (64, 98), "nord"),
    fam("nutrition", cross("Näringskräm {}", ["vanilj", "choklad", "karamell"]), "förp", 4,
        (70, 105), "nord"),
    fam("nutrition", ["Energitillskott pulver neutral 400 g", "Maltodextrin pulver 400 g",
        "Proteinpulver neutral 225 g", "Proteinpulver vanilj 225 g", "Fiberpulver 250 g"], "st", 1,
        (85, 230), "vast"),
    fam("nutrition", cross("Fettemulsion 200 ml, {}", ["neutral", "jordgubb"]), "förp", 4,
        (120, 170), "vast"),
    fam("nutrition", cross("Saftbaserad näringsdryck {} 200 ml", ["äpple", "hallon", "fläder",
        "tropisk"]), "förp", 4, (70, 120), "nutri", acute=0.2),
    fam("nutrition", cross("Yoghurtliknande näringsdryck {}", ["jordgubb", "persika", "vanilj"]),
        "förp", 4, (75, 125), "nord"),
    fam("nutrition", cross("Näringsdryck för sårläkning {}", ["vanilj", "jordgubb", "choklad"]),
        "förp", 4, (95, 150), "nutri", special=0.3),
    fam("nutrition", cross("Näringsdryck vid njursvikt {}", ["vanilj", "jordgubb"]), "förp", 4,
        (110, 160), "nutri", special=0.5),
    fam("nutrition", cross("Näringsdryck vid diabetes {}", ["vanilj", "jordgubb", "cappuccino"]),
        "förp", 4, (80, 130), "nutri"),
    fam("nutrition", cross("Tjockflytande näringsdryck 125 g, {}", ["vanilj", "jordgubb",
        "choklad"]), "förp", 4, (80, 120), "syd"),
    fam("nutrition", cross("Måltidsersättning pulver {}", ["vanilj", "choklad", "jordgubb"]), "st",
        1, (150, 260), "vast"),
    fam("nutrition", cross("Berikad soppa {}", ["tomat", "svamp", "kyckling", "sparris"]), "förp", 6,
        (90, 150), "ost"),
    fam("nutrition", cross("Gelédryck {}", ["hallon", "apelsin", "äpple"]), "förp", 12, (140, 210),
        "ost"),
    fam("nutrition", cross("Proteinberikat vatten {}", ["citron", "hallon"]), "förp", 12,
        (130, 190), "ost", unstocked=0.5),
    fam("nutrition", ["Sondaggregat för pump", "Sondaggregat för gravitation"], "förp", 30,
        (450, 780), "vast", acute=0.5),
    fam("nutrition", ["ENFit-spruta 10 ml", "ENFit-spruta 20 ml", "ENFit-spruta 60 ml"], "förp",
        [100, 50, 30], (120, 320), "vast", acute=0.3),
    fam("nutrition", ["Förlängningsslang ENFit", "Gastrostomiport förlängningsset"], "förp", 10,
        (260, 540), "vast", special=0.5),
    fam("nutrition", ["Modersmjölksersättning hydrolyserad 400 g",
        "Modersmjölksersättning aminosyrabaserad 400 g", "Ketogen näring pulver 300 g",
        "Ketogen näringsdryck 200 ml", "Specialnäring vid PKU pulver 500 g",
        "Specialnäring vid metabol sjukdom 400 g"], "st", 1, (310, 1450), "nutri", special=0.8),
    fam("nutrition", cross("Energiberikad barndryck {}", ["jordgubb", "vanilj", "banan"]), "förp",
        4, (90, 140), "nutri", special=0.3),
]

INCONTINENCE = [
    fam("incontinence", cross("Inkontinensskydd insättning {}, {}", ["lätt", "normal", "extra",
        "super", "natt"], ["dam", "herr", "unisex"]), "förp", [28, 28, 28, 24, 24, 24, 20, 20, 20,
        14, 14, 14, 14, 14, 14], (58, 185), "kont", acute=0.25),
    fam("incontinence", cross("Bältesskydd {}, storlek {}", ["normal", "extra", "super", "natt"],
        SIZES), "förp", 14, (150, 330), "kont", acute=0.15),
    fam("incontinence", cross("Allt-i-ett-skydd {}, storlek {}", ["normal", "extra", "super"],
        SIZES), "förp", 14, (170, 360), "nord"),
    fam("incontinence", cross("Byxskydd {}, storlek {}", ["normal", "extra", "super", "natt"],
        ["XS", "S", "M", "L", "XL"]), "förp", 14, (135, 280), "kont", acute=0.15),
    fam("incontinence", cross("Fixeringsbyxa storlek {}", ["S", "M", "L", "XL", "XXL", "3XL"]),
        "förp", 5, (55, 110), "nord"),
    fam("incontinence", ["Underlägg engång 40 x 60 cm", "Underlägg engång 60 x 60 cm",
        "Underlägg engång 60 x 90 cm"], "förp", 30, (85, 190), "kont"),
    fam("incontinence", ["Underlägg tvättbart 80 x 180 cm"], "st", 1, (240, 320), "kont",
        unstocked=1.0),
    fam("incontinence", cross("Engångskateter hydrofil man CH{}", ["10", "12", "14", "16", "18"]),
        "förp", 30, (520, 940), "syd", acute=0.5),
    fam("incontinence", cross("Engångskateter hydrofil kvinna CH{}", ["8", "10", "12", "14", "16"]),
        "förp", 30, (480, 880), "syd", acute=0.5),
    fam("incontinence", cross("Engångskateter barn CH{}", ["6", "8", "10"]), "förp", 30,
        (520, 900), "syd", special=0.4),
    fam("incontinence", cross('Kateterset "Kompakt" {} CH{}', ["man", "kvinna"], ["12", "14"]),
        "förp", 30, (690, 1150), "syd"),
    fam("incontinence", cross("Kvarkateter silikon CH{}", ["12", "14", "16", "18", "20", "22"]),
        "förp", 5, (210, 480), "vast", acute=0.4),
    fam("incontinence", cross("Uridom {}, {} mm", ["självhäftande", "kort"], ["21", "25", "29",
        "32", "36", "41"]), "förp", 30, (320, 610), "ost", acute=0.2),
    fam("incontinence", ["Urinpåse benpåse 350 ml", "Urinpåse benpåse 500 ml",
        "Urinpåse benpåse 750 ml", "Urinpåse benpåse 500 ml, kort slang",
        "Urinpåse nattpåse 2000 ml med tömningsventil", "Urinpåse nattpåse 2000 ml utan ventil"],
        "förp", 10, (95, 310), "ost", acute=0.4),
    fam("incontinence", ["Kateterventil", "Benpåsefixering storlek S",
        "Benpåsefixering storlek M/L", "Nattpåsehållare"], "förp", [5, 2, 2, 1], (60, 260), "ost"),
    fam("incontinence", ["Tarmirrigationssystem komplett", "Tarmirrigationspump"], "st", 1,
        (1450, 2900), "vast", special=0.9),
    fam("incontinence", ["Tarmirrigation kon", "Tarmirrigation ballongkateter",
        "Tarmirrigation vattenbehållare"], "förp", [15, 15, 1], (380, 1450), "vast",
        special=0.2),
    fam("incontinence", ["Analpropp liten", "Analpropp stor"], "förp", 20, (420, 620), "vast",
        special=0.5),
    fam("incontinence", ["Glidmedel tub 82 g", "Glidmedel portionspåse"], "förp", [1, 50],
        (45, 180), "syd"),
    fam("incontinence", ["Hudskyddskräm 100 ml", "Tvättservetter", "Tvättlotion 500 ml"], "förp",
        [1, 80, 1], (45, 120), "kont"),
    fam("incontinence", cross("Barnskydd {}, {}", ["4–7 år", "8–15 år", "junior"], ["dag",
        "natt"]), "förp", 20, (140, 260), "kont", special=0.3),
    fam("incontinence", ["Droppskydd herr lätt", "Droppskydd herr normal"], "förp", 28, (65, 95),
        "kont"),
    fam("incontinence", cross("Inkontinenstrosa tvättbar, storlek {}", SIZES), "st", 1,
        (160, 240), "nord", unstocked=0.5, special=0.3),
    fam("incontinence", cross("Penisklämma storlek {}", ["S", "M", "L"]), "st", 1, (420, 650),
        "nord", special=1.0),
]


def price_text(rng, low, high):
    ore = rng.randint(low * 100, high * 100)
    if rng.random() < 0.25:
        return str(ore // 100)  # a whole number of kronor, as Excel writes it
    return "%d,%02d" % (ore // 100, ore % 100)


def field(value):
    if any(c in value for c in ';"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def rows():
    rng = random.Random(20260130)
    number = {"nutrition": 10000, "incontinence": 20000}
    for family in NUTRITION + INCONTINENCE:
        for i, name in enumerate(family["names"]):
            area = family["area"]
            number[area] += 1
            pack = family["pack"][i] if isinstance(family["pack"], list) else family["pack"]
            roll = rng.random()
            special = roll < family["special"]
            stocked = not special and roll >= family["special"] + family["unstocked"]
            acute = stocked and rng.random() < family["acute"]
            yield [
                ("N" if area == "nutrition" else "I") + str(number[area]),
                name,
                area,
                family["unit"],
                str(pack),
                SUPPLIERS[family["supplier"]],
                "ja" if stocked else "nej",
                "ja" if acute else "nej",
                "ja" if special else "nej",
                price_text(rng, *family["price"]),
                "2026-01-30" if rng.random() < 0.3 else "2025-01-01",
            ]


HEADER = ["article_number", "name", "area", "unit", "package_size", "supplier", "stocked",
          "acute_assortment", "special", "price", "price_from"]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "data", "demo", "assortment.csv")
    lines = [";".join(HEADER)] + [";".join(field(v) for v in row) for row in rows()]
    with open(out, "w", encoding="utf-8-sig", newline="") as f:
        f.write("\r\n".join(lines) + "\r\n")


if __name__ == "__main__":
    main()
