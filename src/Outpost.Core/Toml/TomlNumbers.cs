using System;
using System.Globalization;

namespace Outpost.Core.Toml
{
    /// <summary>TOML integers (decimal, 0x, 0o, 0b; underscores between digits) and floats (inf, nan, exponents).</summary>
    internal static class TomlNumbers
    {
        public static object? Parse(string token, out string? why)
        {
            why = null;
            string body = token;
            bool negative = false;
            bool signed = false;
            if (body.StartsWith("+", StringComparison.Ordinal) || body.StartsWith("-", StringComparison.Ordinal))
            {
                negative = body[0] == '-';
                signed = true;
                body = body.Substring(1);
            }
            if (body == "inf") return negative ? double.NegativeInfinity : double.PositiveInfinity;
            if (body == "nan") return double.NaN;
            if (body.Length > 1 && body[0] == '0' && (body[1] == 'x' || body[1] == 'o' || body[1] == 'b'))
            {
                if (signed) { why = "a sign is not allowed on hex, octal or binary integers"; return null; }
                int radix = body[1] == 'x' ? 16 : body[1] == 'o' ? 8 : 2;
                string digits = body.Substring(2);
                if (!Digits(digits, c => DigitValue(c) >= 0 && DigitValue(c) < radix)) { why = "invalid digits"; return null; }
                try { return Convert.ToInt64(digits.Replace("_", ""), radix); }
                catch (OverflowException) { why = "the integer is out of 64-bit range"; return null; }
            }
            bool isFloat = body.IndexOfAny(new[] { '.', 'e', 'E' }) >= 0;
            if (!isFloat)
            {
                if (!Digits(body, char.IsDigit)) { why = "not a number"; return null; }
                if (body.Length > 1 && body[0] == '0') { why = "leading zeros are not allowed"; return null; }
                if (long.TryParse((negative ? "-" : "") + body.Replace("_", ""), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
                    return value;
                why = "the integer is out of 64-bit range";
                return null;
            }
            // Float: int part, optional .fraction, optional exponent; each part digits with single underscores.
            int e = body.IndexOfAny(new[] { 'e', 'E' });
            string mantissa = e >= 0 ? body.Substring(0, e) : body;
            string? exponent = e >= 0 ? body.Substring(e + 1) : null;
            int dot = mantissa.IndexOf('.');
            string intPart = dot >= 0 ? mantissa.Substring(0, dot) : mantissa;
            string? fraction = dot >= 0 ? mantissa.Substring(dot + 1) : null;
            if (!Digits(intPart, char.IsDigit) || (intPart.Length > 1 && intPart[0] == '0')) { why = "invalid float"; return null; }
            if (fraction != null && !Digits(fraction, char.IsDigit)) { why = "invalid float: digits must follow '.'"; return null; }
            if (exponent != null)
            {
                string exp = exponent.StartsWith("+", StringComparison.Ordinal) || exponent.StartsWith("-", StringComparison.Ordinal) ? exponent.Substring(1) : exponent;
                if (!Digits(exp, char.IsDigit)) { why = "invalid float exponent"; return null; }
            }
            string clean = (negative ? "-" : "") + body.Replace("_", "");
            if (double.TryParse(clean, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)) return d;
            why = "invalid float";
            return null;
        }

        /// <summary>Non-empty digits, underscores only between two digits.</summary>
        private static bool Digits(string text, Func<char, bool> isDigit)
        {
            if (text.Length == 0 || text[0] == '_' || text[text.Length - 1] == '_') return false;
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c == '_') { if (text[i + 1] == '_') return false; continue; }
                if (!isDigit(c)) return false;
            }
            return true;
        }

        private static int DigitValue(char c) =>
            c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }
}
