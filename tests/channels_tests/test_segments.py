"""SMS segment counting by the GSM 03.38 rules: the default alphabet, the extension table (two
septets each, never split from its escape), 153-septet parts, and UCS-2 with surrogate pairs."""

from channels import segments


def test_a_short_plain_text_is_one_gsm_segment():
    assert segments.count("albergue Cucuta") == segments.Count("GSM-7", 1, 15)


def test_160_septets_fit_one_segment_and_161_need_two():
    assert segments.count("a" * 160).segments == 1
    assert segments.count("a" * 161).segments == 2
    assert segments.count("a" * 306).segments == 2
    assert segments.count("a" * 307).segments == 3


def test_extension_characters_cost_two_septets():
    assert segments.count("€" * 80) == segments.Count("GSM-7", 1, 160)
    assert segments.count("€" * 80 + "a").segments == 2
    assert segments.count("[]{}|~^\\").units == 16


def test_an_escape_is_never_split_from_its_character():
    # 152 septets, then "€": it would straddle the 153-septet boundary, so it opens part two.
    text = "a" * 152 + "€" + "a" * 152
    assert segments.count(text).segments == 3
    assert segments.count("a" * 151 + "€" + "a" * 153).segments == 2


def test_gsm_letters_stay_and_others_make_ucs2():
    assert segments.count("Ñandú ¿dónde? ¡sí! é à ü Ç").encoding == "UCS-2"  # ú, ó, í are not GSM
    assert segments.count("Ñ ¿? ¡! é à ü Ç ß").encoding == "GSM-7"
    assert segments.count("ó" * 70) == segments.Count("UCS-2", 1, 70)
    assert segments.count("ó" * 71).segments == 2
    assert segments.count("ó" * 134).segments == 2
    assert segments.count("ó" * 135).segments == 3


def test_an_emoji_is_two_code_units_and_never_split():
    assert segments.count("🙂").units == 2
    assert segments.count("ó" * 65 + "🙂" + "ó" * 66).segments == 2
    # 134 units would fill two parts exactly, but the pair cannot straddle the boundary.
    assert segments.count("ó" * 66 + "🙂" + "ó" * 66).segments == 3


def test_accents_are_transliterated_only_where_the_meaning_stays():
    assert segments.to_gsm("Línea contra la trata – 24 horas “gratis”") == (
        'Linea contra la trata - 24 horas "gratis"'
    )
    assert segments.to_gsm("ação, serviço, hébergement") == "acao, servico, hébergement"
    assert segments.to_gsm("Kreyòl: Liy nasyonal") == "Kreyòl: Liy nasyonal"  # ò is GSM
    assert segments.to_gsm("Служба помощи") is None  # another script: no faithful rewriting
    assert segments.to_gsm("casa 🙂") is None
    assert segments.cheapest("casa 🙂") == "casa 🙂"
