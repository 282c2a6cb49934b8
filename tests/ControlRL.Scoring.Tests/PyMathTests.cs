using ControlRL.Scoring.Python;

namespace ControlRL.Scoring.Tests;

public class PyMathTests
{
    // Expected values are CPython 3's round(x, n), checked against the interpreter.
    [Theory]
    [InlineData(2.675, 2, 2.67)]               // binary value is just below the tie
    [InlineData(0.125, 2, 0.12)]               // exact binary tie: to even
    [InlineData(0.375, 2, 0.38)]               // exact binary tie: to even
    [InlineData(1.0000005, 6, 1.000001)]       // binary value is just above the tie
    [InlineData(1.005, 2, 1.0)]
    [InlineData(0.285, 2, 0.28)]
    [InlineData(2.5, 0, 2.0)]
    [InlineData(-2.5, 0, -2.0)]
    [InlineData(0.5, 0, 0.0)]
    [InlineData(1.5, 0, 2.0)]
    [InlineData(15.0, -1, 20.0)]
    [InlineData(25.0, -1, 20.0)]
    [InlineData(123.456, -2, 100.0)]
    [InlineData(123456789012345.67, 2, 123456789012345.67)]
    [InlineData(1e300, 2, 1e300)]
    [InlineData(1e300, -299, 1e300)]
    [InlineData(1e22, -21, 1e22)]
    [InlineData(5e-324, 2, 0.0)]
    [InlineData(89.38114949999999, 6, 89.381149)]
    [InlineData(-89.3811495, 6, -89.38115)]
    [InlineData(0.0001234565, 9, 0.000123457)]
    [InlineData(14.0086205, 6, 14.00862)]
    [InlineData(99.995, 2, 100.0)]
    [InlineData(7.0825, 3, 7.082)]
    [InlineData(4.8849999999, 2, 4.88)]
    [InlineData(0.30000000000000004, 16, 0.3)]
    [InlineData(1234.5678, 323, 1234.5678)]    // beyond NDIGITS_MAX: unchanged
    [InlineData(1234.5678, -308, 0.0)]
    public void RoundIsPythons(double x, int ndigits, double expected)
    {
        Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(PyMath.Round(x, ndigits)));
    }

    [Fact]
    public void TheDotNetRoundingsDisagreeWithPythonWhereItMatters()
    {
        // Why PyMath.Round exists: each .NET form gets at least one of these wrong.
        (double X, int N)[] cases = [(2.675, 2), (1.0000005, 6), (1.005, 2), (0.285, 2), (14.0086205, 6), (0.125, 2), (0.375, 2), (2.5, 0)];
        Assert.Contains(cases, c => Math.Round(c.X, c.N) != PyMath.Round(c.X, c.N));
        Assert.Contains(cases, c => Math.Round(c.X, c.N, MidpointRounding.AwayFromZero) != PyMath.Round(c.X, c.N));
        Assert.Contains(cases, c => (double)Math.Round((decimal)c.X, c.N) != PyMath.Round(c.X, c.N));
        Assert.Contains(cases, c => (double)Math.Round((decimal)c.X, c.N, MidpointRounding.AwayFromZero) != PyMath.Round(c.X, c.N));
    }

    [Fact]
    public void SignedZerosAndSpecialValues()
    {
        Assert.True(double.IsNegative(PyMath.Round(-0.0001, 2)));     // Python: -0.0
        Assert.True(double.IsNegative(PyMath.Round(-1234.5678, -309)));
        Assert.True(double.IsNegative(PyMath.Round(-0.0, 3)));
        Assert.False(double.IsNegative(PyMath.Round(0.0001, 2)));
        Assert.True(double.IsNaN(PyMath.Round(double.NaN, 2)));
        Assert.Equal(double.PositiveInfinity, PyMath.Round(double.PositiveInfinity, 2));
        Assert.Throws<OverflowException>(() => PyMath.Round(1.7976931348623157e308, -308));
    }

    [Fact]
    public void RoundingIsIdempotentAndRoundTripsThroughRepr()
    {
        var rng = new Random(7);
        for (int i = 0; i < 20_000; i++)
        {
            double x = (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-6, 9));
            int n = rng.Next(0, 8);
            double r = PyMath.Round(x, n);
            Assert.Equal(r, PyMath.Round(r, n));
            // The stored text reads back as the same double, and has at most n decimals in positional form.
            string text = PyMath.Repr(r);
            Assert.Equal(r, double.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
            if (!text.Contains('e')) Assert.True(text.Length - text.IndexOf('.') - 1 <= Math.Max(n, 1), $"{x} -> {text}");
        }
    }

    [Theory]
    [InlineData(0.0, "0.0")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(1.0, "1.0")]
    [InlineData(100.0, "100.0")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(123456789012345678.0, "1.2345678901234568e+17")]
    [InlineData(12345678901234567.0, "1.2345678901234568e+16")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(1.5e-5, "1.5e-05")]
    [InlineData(-1e-5, "-1e-05")]
    [InlineData(1e-7, "1e-07")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    [InlineData(6416.999999999998, "6416.999999999998")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    [InlineData(1.1805916207174113e21, "1.1805916207174113e+21")]
    [InlineData(14.008621, "14.008621")]
    [InlineData(1e100, "1e+100")]
    public void ReprIsPythons(double x, string expected) => Assert.Equal(expected, PyMath.Repr(x));

    [Fact]
    public void NumbersKeepTheirPythonKind()
    {
        var i = PyNumber.Int(100);
        var f = PyNumber.Float(0.42);
        Assert.True((i + PyNumber.Int(1)).IsInteger);
        Assert.False((i * f).IsInteger);
        Assert.False((i / PyNumber.Int(1)).IsInteger);          // true division
        Assert.Equal("100.0", (i / PyNumber.Int(1)).ToString());
        Assert.True(i.Round(6).IsInteger);                      // round(100, 6) is the int 100
        Assert.Equal("0", PyNumber.Zero.ToString());
        Assert.NotEqual(PyNumber.Int(0), PyNumber.Float(0.0));
        Assert.Equal(PyNumber.Float(-0.0), PyNumber.Max(PyNumber.Float(-0.0), PyNumber.Float(0.0))); // Python's max keeps the first
    }

    [Fact]
    public void JsonKeepsKindsOrderAndWritesLikePython()
    {
        const string text = "{\"b\": 100, \"a\": [1.0, 0, -0.0, 1e-05, \"\\u00e9\\n\"], \"b\": 7, \"c\": {}, \"d\": [], \"e\": null, \"f\": true}";
        var v = (PyJsonObject)PyJson.Parse(text);
        Assert.Equal(["b", "a", "c", "d", "e", "f"], v.Members.Select(m => m.Key));
        Assert.Equal(PyNumber.Int(7), ((PyJsonNumber)v["b"]!).Value);   // a repeated key keeps its place, last value
        Assert.Equal("""
            {
                "b": 7,
                "a": [
                    1.0,
                    0,
                    -0.0,
                    1e-05,
                    "\u00e9\n"
                ],
                "c": {},
                "d": [],
                "e": null,
                "f": true
            }
            """, PyJson.Serialize(v));
        Assert.True(PyJson.DeepEquals(v, PyJson.Parse(PyJson.Serialize(v))));
        Assert.False(PyJson.DeepEquals(PyJson.Parse("[0]"), PyJson.Parse("[0.0]")));
        Assert.Equal("x.y[1]", PyJson.Difference(PyJson.Parse("{\"x\": {\"y\": [1, 2]}}"), PyJson.Parse("{\"x\": {\"y\": [1, 2.0]}}"), ""));
    }

    [Theory]
    [InlineData("{\"a\": NaN}", "line 1, column 7", "NaN")]
    [InlineData("{\"a\": 1,\n \"b\": }", "line 2")]
    [InlineData("[1e400]", "out of the range")]
    [InlineData("[123456789012345678901234567890]", "too large")]
    [InlineData("", "does not contain any JSON")]
    [InlineData("{} {}", "line 1, column 4", "after a single JSON value")]
    public void BadJsonSaysWhereAndWhat(string text, params string[] expected)
    {
        var ex = Assert.Throws<PyJsonParseException>(() => PyJson.Parse(text));
        foreach (string e in expected) Assert.Contains(e, ex.Message);
    }
}
