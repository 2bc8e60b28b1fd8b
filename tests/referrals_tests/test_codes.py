import re

from referrals import codes

CODE_SHAPE = re.compile(r"^ENL-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")


def test_new_codes_have_the_readable_shape_and_a_valid_check_symbol():
    for _ in range(200):
        code = codes.new_code()
        assert CODE_SHAPE.match(code), code
        assert codes.normalise(code) == code


def test_new_codes_do_not_repeat_in_a_large_sample():
    sample = {codes.new_code() for _ in range(20000)}
    assert len(sample) == 20000


def test_a_code_read_over_the_phone_is_understood_in_any_spelling():
    code = codes.new_code()
    spoken = code.lower().replace("-", " ").replace("1", "l").replace("0", "o")
    assert codes.normalise(spoken) == code
    assert codes.normalise(code[4:].replace("-", "")) == code


def test_any_single_mistyped_symbol_is_caught():
    code = codes.new_code()
    compact = code.replace("ENL-", "").replace("-", "")
    for position in range(len(compact)):
        for symbol in codes.ALPHABET:
            if symbol == compact[position]:
                continue
            typo = compact[:position] + symbol + compact[position + 1 :]
            assert codes.normalise(typo) is None, typo


def test_swapping_two_adjacent_symbols_is_caught():
    code = codes.new_code()
    compact = code.replace("ENL-", "").replace("-", "")
    for i in range(len(compact) - 1):
        if compact[i] == compact[i + 1]:
            continue
        swapped = compact[:i] + compact[i + 1] + compact[i] + compact[i + 2 :]
        assert codes.normalise(swapped) is None


def test_text_that_cannot_be_a_code_is_rejected():
    for text in ["", "ENL-", "hello", "ENL-XXXX-XXXX-XXXX", "ENL-UUUU-UUUU", "'; DROP TABLE--"]:
        assert codes.normalise(text) is None
