using System.Globalization;

namespace ControlRL.Scoring.Python;

/// <summary>
/// A JSON number as Python's json module reads it: an <c>int</c> (no fraction or exponent in the text) or a
/// <c>float</c>. The leaderboard's files keep the difference (<c>"score_route": 100</c> but <c>"score_composed": 42.0</c>,
/// <c>"scores_std_dev"</c> of integer 0 for one route), so the arithmetic here follows Python's: int op int stays int,
/// anything with a float is float, and true division is always float.
/// </summary>
public readonly struct PyNumber : IEquatable<PyNumber>
{
    private readonly long _int;
    private readonly double _float;

    private PyNumber(bool isInteger, long i, double f)
    {
        IsInteger = isInteger;
        _int = i;
        _float = f;
    }

    public static PyNumber Int(long value) => new(true, value, 0);

    public static PyNumber Float(double value) => new(false, 0, value);

    public static readonly PyNumber Zero = Int(0);

    public bool IsInteger { get; }

    /// <summary>The value as a double (Python's <c>float(x)</c>; exact for integers up to 2^53).</summary>
    public double Value => IsInteger ? _int : _float;

    /// <summary>The integer; only for <see cref="IsInteger"/> numbers.</summary>
    public long IntegerValue => IsInteger ? _int : throw new InvalidOperationException("not an integer");

    public static PyNumber operator +(PyNumber a, PyNumber b) =>
        a.IsInteger && b.IsInteger ? Int(checked(a._int + b._int)) : Float(a.Value + b.Value);

    public static PyNumber operator -(PyNumber a, PyNumber b) =>
        a.IsInteger && b.IsInteger ? Int(checked(a._int - b._int)) : Float(a.Value - b.Value);

    public static PyNumber operator *(PyNumber a, PyNumber b) =>
        a.IsInteger && b.IsInteger ? Int(checked(a._int * b._int)) : Float(a.Value * b.Value);

    /// <summary>Python's <c>a / b</c>: always a float.</summary>
    public static PyNumber operator /(PyNumber a, PyNumber b) => Float(a.Value / b.Value);

    /// <summary>Python's <c>round(x, ndigits)</c>: an int stays the same int, a float rounds as <see cref="PyMath.Round"/>.</summary>
    public PyNumber Round(int ndigits) => IsInteger ? this : Float(PyMath.Round(_float, ndigits));

    /// <summary>Python's <c>max(a, b)</c>: <paramref name="a"/> unless <paramref name="b"/> is strictly larger.</summary>
    public static PyNumber Max(PyNumber a, PyNumber b) => b.Value > a.Value ? b : a;

    /// <summary>Python's <c>str(x)</c> and its json module's text for the number.</summary>
    public override string ToString() => IsInteger ? _int.ToString(CultureInfo.InvariantCulture) : PyMath.Repr(_float);

    /// <summary>Same kind (int or float) and the same value.</summary>
    public bool Equals(PyNumber other) => IsInteger == other.IsInteger && (IsInteger ? _int == other._int : _float.Equals(other._float));

    public override bool Equals(object? obj) => obj is PyNumber n && Equals(n);

    public override int GetHashCode() => IsInteger ? _int.GetHashCode() : _float.GetHashCode();

    public static bool operator ==(PyNumber a, PyNumber b) => a.Equals(b);

    public static bool operator !=(PyNumber a, PyNumber b) => !a.Equals(b);
}
