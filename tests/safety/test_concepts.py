"""Crisis vocabulary by concept in Persian (and Dari), Sorani (Arabic script and Latin
letters), Somali and Arabic (dialects, chat spelling): hanging, throwing oneself down,
a handful of pills, strangling, hitting, threatening, fainting, not breathing, bleeding
that will not stop, months unpaid, a passport held, a debt that keeps one from leaving.
The word lists had these ideas in other forms; the patterns must read the common ones.
Messages written for these tests, not taken from a probe."""

from __future__ import annotations

import pytest

from bot.matching.langid import best_label
from bot.matching.normalize import fold
from bot.safety.detector import _crisis_patterns, _scan
from bot.safety.romanised import native_script


def pattern_kinds(text: str) -> list[str]:
    """The crisis kinds the patterns give, as typed or written back in its own script."""
    native = native_script(text, best_label(text))
    return _crisis_patterns(_scan(fold(text))[0], joke=False,
                            native=_scan(fold(native))[0] if native else None)


@pytest.mark.parametrize(("text", "kind"), [
    ("waxaan doonayaa inaan naftayda qaato, ma awoodo mar dambe", "suicide"),
    ("caawa ayaan is deldelayaa, xadhigga waan diyaariyay", "suicide"),
    ("buundada ayaan iska tuurayaa caawa", "suicide"),
    ("qoorta ayuu iga qabtay oo wuu i ceejiyey ilaa aan neefta waayo", "violence"),
    ("hooyaday miyirka ayay ka dhacday oo ma soo toosayso", "emergency"),
    ("afar bilood ayaan shaqeeyay lacag ima siin, wuxuu yiri deyntaada ayaa ku jirta",
     "exploitation"),
    ("guriga ayay igu xiraan, ma bixi karo, shaqo bilaash ah ayaan qabtaa", "exploitation"),
    ("ئەمشەو خۆم هەڵدەواسم، پەتم ئامادە کردووە", "suicide"),
    ("خۆم فڕێ دەدەمە خوارەوە لە سەربانەکە", "suicide"),
    ("dmawe bmrm, chitr natwanm", "suicide"),
    ("xom haldawasm amshaw", "suicide"),
    ("گەرووی گرتم و ویستی بمخنکێنێت", "violence"),
    ("merdakam lem dada w datrsm", "violence"),
    ("باوکم ناتوانێت هەناسە بدات", "emergency"),
    ("خوێنێکی زۆری لێ دەڕوات و ناوەستێت", "emergency"),
    ("چوار مانگە کار دەکەم و هیچ پارەیەکم نەداوەتێ", "exploitation"),
    ("دەڵێن دەبێت قەرزی ڕێگاکە بدەیتەوە، ناهێڵن بڕۆم", "exploitation"),
    ("امشب خودمو دار میزنم، دیگه نمیکشم", "suicide"),
    ("یه مشت قرص خوردم که تموم بشه", "suicide"),
    ("میخوام خودمو از پنجره پرت کنم", "suicide"),
    ("میخواهم خود کشی کنم، زندگی برایم معنی ندارد", "suicide"),
    ("شوهرم مرا لت و کوب میکند، هر شب میترسم", "violence"),
    ("گلومو گرفت و فشار داد تا نفسم بند اومد", "violence"),
    ("خونریزیش بند نمیاد، خیلی خون رفته", "emergency"),
    ("چهار ماهه کار میکنم و یه قرون حقوق بهم نداده", "exploitation"),
    ("پدرم ما را با کمربند میزند", "violence"),
    ("الليلة رح اشنق حالي، جبت الحبل", "suicide"),
    ("بلعت كل الحبوب اللي عندي، بدي ارتاح", "suicide"),
    ("ابوي يطقني كل يوم بالحزام", "violence"),
    ("ابوي مش قادر يتنفس ووجهه ازرق", "emergency"),
    ("امي اغمى عليها وما عم ترد", "emergency"),
    ("الكفيل ساحب جوازي وما بيرجعلي ياه", "exploitation"),
    ("صرلي اربع شهور بشتغل وما اعطاني ولا قرش", "exploitation"),
    ("بيقولوا لازم تشتغل لتسد الدين وما بيخلوني اطلع", "exploitation"),
    ("bade eshno2 7ali el leile", "suicide"),
    ("too istgah mikham khodamo beandazam jeloye metro", "suicide"),
    ("دەمەوێت خۆم بخەمە بەردەم ئۆتۆمبێلێک، بەسە", "suicide"),
    ("باوکم هەموو ئێوارەیەک بە قایش لێمان دەدات", "violence"),
    ("هاوڕێکەم لە شەقامەکە بوورایەوە و وەڵام ناداتەوە", "emergency"),
    ("جدي فقد الوعي فجأة وهو قاعد", "emergency"),
    ("خاوەنکارەکەم پاسپۆرتەکەم لای خۆیەتی و دەڵێت ناتدەمەوە", "exploitation"),
    ("merdakam garwm gushi w natwanm hanasa bdam", "violence"),
    ("پدربزرگم یهو از حال رفت و جواب نمیده", "emergency"),
    ("تو یه رستوران کار میکنم، صاحبش نمیذاره برم بیرون و شبا همونجا میخوابم", "exploitation"),
    ("لە چێشتخانەیەک کار دەکەم و ناهێڵن بچمە دەرەوە، هەر لەوێ دەخەوم", "exploitation"),
    ("waxaan ka shaqeeyaa makhaayad, ima oggola inaan baxo xitaa habeenkii", "exploitation"),
    ("بشتغل بمطعم وما بيخلوني اطلع ولا يوم", "exploitation"),
])
def test_a_crisis_in_common_words_is_caught_by_the_patterns(text: str, kind: str) -> None:
    assert kind in pattern_kinds(text)


# The same words in everyday messages: a cold, a period, Kela late, pills as prescribed,
# throwing oneself into work, rubbish into the sea, being evicted, playing the guitar,
# laughing till one faints, a father who keeps a teenager in at night.
@pytest.mark.parametrize("text", [
    "ha iska tuurin qashinka badda ama webiga",
    "shalay waan suuxay, dhakhtar ma u tagaa?",
    "Kela lacag ima siin laba bilood, maxaan sameeyaa",
    "milkiilaha guriga ayaa igu hanjabay inuu iga saarayo guriga",
    "همه قرصامو خوردم ولی هنوز سرفه دارم",
    "دو ماهه که کیلا پول نداده، چیکار کنم",
    "موقع پریود خون زیادی ازم میره، طبیعیه؟",
    "خودمو از فردا میندازم تو کار و درس",
    "اخدت علبة دوا من الصيدلية للزكام",
    "صرلي شهرين ما قبضت من كيلا",
    "امبارح اغمي علي بالشغل من الحر، لازم روح عالدكتور؟",
    "لووتم گیراوە و ناتوانم هەناسە بدەم بە باشی، سەرمام بووە",
    "دوو مانگە کێلا پارەی نەداوە، چی بکەم",
    "لە کاتی سووڕی مانگانەدا خوێنی زۆرم لێ دەڕوات، ئاساییە؟",
    "کوڕەکەم گیتار لێدەدات و دەیەوێت بچێتە خولی مۆسیقا",
    "بە دار درگاکەیان دەکوتا، دراوسێکان چی بکەم",
    "از خنده غش کردم وقتی فیلمو دیدم",
    "بابام نمیذاره شبا برم بیرون، چیکار کنم",
])
def test_the_same_words_in_an_everyday_message_are_no_pattern_crisis(text: str) -> None:
    assert pattern_kinds(text) == []
