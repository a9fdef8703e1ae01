#include "test.h"
#include "core/err.h"
#include "domain/money.h"

static const struct currency *cur(const char *code)
{
    const struct currency *c = currency_find(code);

    if (!c)
        fail_msg("unknown currency %s", code);
    return c;
}

static void test_exponents(void **state)
{
    (void)state;
    assert_int_equal(cur("EUR")->exponent, 2);
    assert_int_equal(cur("USD")->exponent, 2);
    assert_int_equal(cur("JPY")->exponent, 0);
    assert_int_equal(cur("KRW")->exponent, 0);
    assert_int_equal(cur("ISK")->exponent, 0);
    for (const char *const *d =
             (const char *const[]){"KWD", "BHD", "OMR", "JOD", "TND", "LYD", "IQD", NULL};
         *d; d++)
        assert_int_equal(cur(*d)->exponent, 3);
    assert_null(currency_find("eur")); /* codes are upper case */
    assert_null(currency_find("EURO"));
    assert_null(currency_find("XYZ"));
    assert_null(currency_find(""));
    assert_null(currency_find(NULL));
}

static void test_format(void **state)
{
    char buf[MONEY_TEXT_LEN];

    (void)state;
    assert_string_equal(money_format(123450, cur("EUR"), 0, buf), "1234.50");
    assert_string_equal(money_format(5, cur("EUR"), 0, buf), "0.05");
    assert_string_equal(money_format(0, cur("EUR"), 0, buf), "0.00");
    assert_string_equal(money_format(-7, cur("EUR"), 0, buf), "-0.07");
    assert_string_equal(money_format(1234, cur("JPY"), 0, buf), "1234");
    assert_string_equal(money_format(1250, cur("KWD"), 0, buf), "1.250");
    assert_string_equal(money_format(1, cur("KWD"), 0, buf), "0.001");
    assert_string_equal(money_format(1250000, cur("EUR"), MONEY_GROUP, buf), "12,500.00");
    assert_string_equal(money_format(1234567, cur("JPY"), MONEY_GROUP, buf), "1,234,567");
    assert_string_equal(money_format(100, cur("JPY"), MONEY_GROUP, buf), "100");
    assert_string_equal(money_format(INT64_MIN, cur("EUR"), MONEY_GROUP, buf),
                        "-92,233,720,368,547,758.08");
}

static void test_parse(void **state)
{
    int64_t v;

    (void)state;
    assert_int_equal(money_parse("1234.5", cur("EUR"), &v), 0);
    assert_int_equal(v, 123450);
    assert_int_equal(money_parse("0.125", cur("KWD"), &v), 0);
    assert_int_equal(v, 125);
    assert_int_equal(money_parse("-3", cur("EUR"), &v), 0);
    assert_int_equal(v, -300);
    assert_int_equal(money_parse("1500", cur("JPY"), &v), 0);
    assert_int_equal(v, 1500);
    /* more decimals than the minor unit would need rounding: refused */
    assert_int_equal(money_parse("1.5", cur("JPY"), &v), DESK_EINVAL);
    assert_int_equal(money_parse("0.125", cur("EUR"), &v), DESK_EINVAL);
    assert_int_equal(money_parse("", cur("EUR"), &v), DESK_EINVAL);
    assert_int_equal(money_parse("1.", cur("EUR"), &v), DESK_EINVAL);
    assert_int_equal(money_parse(".5", cur("EUR"), &v), DESK_EINVAL);
    assert_int_equal(money_parse("1,5", cur("EUR"), &v), DESK_EINVAL);
    /* 17 digits of euros are 19 of cents: what money_format would write must read back
       (found by fuzz-json) */
    assert_int_equal(money_parse("27274000594000590", cur("EUR"), &v), DESK_EINVAL);
    assert_int_equal(money_parse("2727400059400059", cur("EUR"), &v), 0);
    assert_int_equal(v, 272740005940005900);
    assert_int_equal(money_parse("1e3", cur("EUR"), &v), DESK_EINVAL);
    assert_int_equal(money_parse("1234567890123456789", cur("JPY"), &v), DESK_EINVAL);
    assert_int_equal(money_parse("92233720368547758", cur("KWD"), &v), DESK_EINVAL);
}

static void test_half_up(void **state)
{
    int64_t v;

    (void)state;
    /* 50 minutes at 10.00 an hour: 833.33... cents */
    assert_int_equal(money_muldiv(50, 1000, 60, &v), 0);
    assert_int_equal(v, 833);
    /* 1 minute at 0.30 an hour: 0.5 cent, the half goes up */
    assert_int_equal(money_muldiv(1, 30, 60, &v), 0);
    assert_int_equal(v, 1);
    /* 1 minute at 0.29: 0.4833 cent, down */
    assert_int_equal(money_muldiv(1, 29, 60, &v), 0);
    assert_int_equal(v, 0);
    /* 0.5 away from zero for negatives too */
    assert_int_equal(money_muldiv(-1, 30, 60, &v), 0);
    assert_int_equal(v, -1);
    assert_int_equal(money_muldiv(-1, 29, 60, &v), 0);
    assert_int_equal(v, 0);
    /* 90 minutes of JPY 5001 an hour: 7501.5 yen -> 7502 */
    assert_int_equal(money_muldiv(90, 5001, 60, &v), 0);
    assert_int_equal(v, 7502);
    /* 20 minutes at KWD 1.001 an hour: 333.666 fils -> 334 */
    assert_int_equal(money_muldiv(20, 1001, 60, &v), 0);
    assert_int_equal(v, 334);
    assert_int_equal(money_muldiv(INT64_MAX, 2, 60, &v), DESK_EINVAL);
    assert_int_equal(money_muldiv(1, 1, 0, &v), DESK_EINVAL);
    v = INT64_MAX;
    assert_int_equal(money_add(&v, 1), DESK_EINVAL);
    assert_int_equal(v, INT64_MAX);
}

/* Numbers as people type them: decimal commas, grouping, and "1,500" refused as ambiguous. */
static void test_number_text(void **state)
{
    static const struct {
        const char *in, *out; /* out NULL: refused */
    } cases[] = {
        {"1234.5", "1234.5"},  {"12,5", "12.5"},      {"12,50", "12.50"},
        {"1.500,25", "1500.25"}, {"1,500.25", "1500.25"}, {"1 500,25", "1500.25"},
        {"1\xc2\xa0" "500,25", "1500.25"}, {"1\xe2\x80\xaf" "500", "1500"}, {"-3,5", "-3.5"},
        {"1,500", NULL},       {"1,5,0", NULL},      {"1.5.0", NULL},
        {"1.500.000,5", "1500000.5"}, {"1,500,000.5", "1500000.5"}, {"1.2,3.4", NULL},
        {"7", "7"},            {"", ""},
    };
    char out[32];

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        int rc = number_text_normalize(cases[i].in, out, sizeof(out));
        if (!cases[i].out) {
            assert_int_equal(rc, DESK_EINVAL);
            continue;
        }
        assert_int_equal(rc, 0);
        assert_string_equal(out, cases[i].out);
    }
    assert_int_equal(number_text_normalize("123456789", out, 5), DESK_EINVAL); /* too long */
}

SUITE(money, cmocka_unit_test(test_number_text), cmocka_unit_test(test_exponents), cmocka_unit_test(test_format),
      cmocka_unit_test(test_parse), cmocka_unit_test(test_half_up))
