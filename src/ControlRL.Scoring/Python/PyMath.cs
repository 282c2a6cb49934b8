using System.Globalization;
using System.Numerics;

namespace ControlRL.Scoring.Python;

/// <summary>
/// Python's float arithmetic where the leaderboard's numbers depend on it. CPython's <c>round(x, n)</c>
/// (Objects/floatobject.c, <c>double_round</c>) rounds the exact binary value of <c>x</c> to <c>n</c> decimals (ties to
/// even only when the binary value is exactly halfway) and converts that decimal back to the nearest double.
/// <see cref="Math.Round(double, int)"/>, <see cref="MidpointRounding.AwayFromZero"/> and <c>(decimal)x</c> all differ
/// from it on some inputs (2.675 is 2.67499999999999982236431605997495353221893310546875, so Python gives 2.67).
/// </summary>
public static class PyMath
{
    // CPython's NDIGITS_MAX and NDIGITS_MIN: beyond them x rounds to itself or to a signed zero.
    private const int NDigitsMax = 323;
    private const int NDigitsMin = -308;

    /// <summary>Python's <c>round(x, ndigits)</c> for a float.</summary>
    /// <exception cref="OverflowException">The rounded value does not fit a double (Python raises OverflowError).</exception>
    public static double Round(double x, int ndigits)
    {
        if (!double.IsFinite(x) || ndigits > NDigitsMax) return x;
        if (ndigits < NDigitsMin) return 0.0 * x;
        if (x == 0) return x;

        long bits = BitConverter.DoubleToInt64Bits(x);
        bool negative = bits < 0;
        int biased = (int)((bits >> 52) & 0x7FF);
        long fraction = bits & 0xF_FFFF_FFFF_FFFFL;
        long mantissa = biased == 0 ? fraction : fraction | (1L << 52);
        int exponent = biased == 0 ? -1074 : biased - 1075;

        // |x| * 10^ndigits as the exact fraction num / den.
        BigInteger num = mantissa, den = BigInteger.One;
        if (exponent >= 0) num <<= exponent;
        else den <<= -exponent;
        if (ndigits >= 0) num *= BigInteger.Pow(10, ndigits);
        else den *= BigInteger.Pow(10, -ndigits);

        BigInteger q = BigInteger.DivRem(num, den, out BigInteger rem);
        int half = (rem << 1).CompareTo(den);
        if (half > 0 || (half == 0 && !q.IsEven)) q += BigInteger.One;
        if (q.IsZero) return negative ? -0.0 : 0.0;

        // .NET parses decimal text correctly rounded (IEEE 754), as CPython's _Py_dg_strtod does.
        string text = (negative ? "-" : "") + q.ToString(CultureInfo.InvariantCulture) + "E" + (-ndigits).ToString(CultureInfo.InvariantCulture);
        double result = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (double.IsInfinity(result)) throw new OverflowException("rounded value too large to represent");
        return result;
    }

    /// <summary>
    /// Python's <c>repr(x)</c> (and <c>str(x)</c>) of a float: the shortest digits that read back as <paramref name="x"/>,
    /// in positional notation when the decimal exponent is in (-4, 16], else as <c>1.5e-05</c> / <c>1e+16</c>; a whole
    /// number keeps <c>.0</c>. This is how Python's json module writes floats.
    /// </summary>
    public static string Repr(double x)
    {
        if (double.IsNaN(x)) return "nan";
        if (double.IsPositiveInfinity(x)) return "inf";
        if (double.IsNegativeInfinity(x)) return "-inf";

        // "R" is the shortest round-trip form on .NET Core 3.0 and later: the same digits Python's repr picks.
        string r = x.ToString("R", CultureInfo.InvariantCulture);
        bool negative = r.StartsWith('-');
        if (negative) r = r[1..];
        int e = r.IndexOfAny(['E', 'e']);
        int exp10 = e >= 0 ? int.Parse(r[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : 0;
        string mant = e >= 0 ? r[..e] : r;
        int dot = mant.IndexOf('.');
        string intPart = dot >= 0 ? mant[..dot] : mant;
        string digits = intPart + (dot >= 0 ? mant[(dot + 1)..] : "");
        int decpt = intPart.Length + exp10; // value = 0.digits * 10^decpt
        int lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0') lead++;
        digits = digits[lead..];
        decpt -= lead;
        digits = digits.TrimEnd('0');
        string sign = negative ? "-" : "";
        if (digits.Length == 0) return sign + "0.0";

        if (decpt > -4 && decpt <= 16)
        {
            if (decpt <= 0) return sign + "0." + new string('0', -decpt) + digits;
            if (decpt >= digits.Length) return sign + digits + new string('0', decpt - digits.Length) + ".0";
            return sign + digits[..decpt] + "." + digits[decpt..];
        }
        int shown = decpt - 1;
        string mantissa = digits.Length == 1 ? digits : digits[..1] + "." + digits[1..];
        return sign + mantissa + "e" + (shown < 0 ? "-" : "+") + Math.Abs(shown).ToString("00", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// numpy's <c>np.round(x, decimals)</c> for floats: scale, round half to even, unscale (not correctly rounded like
    /// Python's <c>round</c>; the nuPlan devkit rounds its comfort series this way).
    /// </summary>
    public static double NumpyRound(double x, int decimals)
    {
        double scale = Math.Pow(10, decimals);
        return Math.Round(x * scale, MidpointRounding.ToEven) / scale;
    }
}
