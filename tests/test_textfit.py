from lyciq_xl.textfit import display_width, wrapped_lines


def test_cjk_counts_double_latin_single():
    assert display_width("D01") == 3
    assert display_width("扣分记录") == 8
    assert display_width("扣分0.5") == 7
    assert display_width(None) == 0


def test_wrapped_lines():
    # 50 CJK characters = 100 wide; 39 usable per line in a 40-wide column -> 3 lines
    assert wrapped_lines("错" * 50, 40) == 3
    assert wrapped_lines("短", 40) == 1
    assert wrapped_lines("", 40) == 1
    # an explicit line break starts a new line
    assert wrapped_lines("第一行\n第二行", 40) == 2
