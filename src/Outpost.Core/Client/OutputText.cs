using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace Outpost.Core.Client
{
    /// <summary>
    /// Turns captured output bytes into text: whole, or line by line without loading it all. UTF-8 is the
    /// default for every interpreter: sh, py, pwsh write it, and cmd jobs from an Outpost submitter start
    /// with <c>chcp 65001</c> (<see cref="JobScriptComposer.CmdUtf8Line"/>), which makes cmd and the console
    /// programs it runs write UTF-8 instead of the target's OEM code page. A cmd job submitted by another
    /// client (the Go outpost) still writes the OEM code page: read it with the "oem" encoding.
    /// </summary>
    public static class OutputText
    {
        /// <summary>Reads lines as they are decoded (\n, \r\n and \r end a line), so a 1 GiB log streams.</summary>
        public static IEnumerable<string> ReadLines(Stream stream, Encoding encoding)
        {
            using var reader = new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024);
            string? line;
            while ((line = reader.ReadLine()) != null) yield return line;
        }

        public static string ReadAll(Stream stream, Encoding encoding)
        {
            using var reader = new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: true);
            return reader.ReadToEnd();
        }

        /// <summary>
        /// An encoding by the names PowerShell users type (utf8, utf8BOM, unicode, bigendianunicode, utf32,
        /// ascii, latin1, oem, ansi), by .NET web name, or by code page number.
        /// </summary>
        public static Encoding Resolve(string? name)
        {
            if (string.IsNullOrWhiteSpace(name)) return new UTF8Encoding(false);
            string key = name!.Trim().ToLowerInvariant();
            switch (key)
            {
                case "utf8": case "utf-8": case "utf8nobom": case "utf8bom": case "default": return new UTF8Encoding(false);
                case "unicode": case "utf-16": case "utf16": return Encoding.Unicode;
                case "bigendianunicode": return Encoding.BigEndianUnicode;
                case "utf32": case "utf-32": return Encoding.UTF32;
                case "ascii": return Encoding.ASCII;
                case "latin1": case "iso-8859-1": return Encoding.GetEncoding(28591);
                case "oem": return CodePage(CultureInfo.CurrentCulture.TextInfo.OEMCodePage, name);
                case "ansi": return CodePage(CultureInfo.CurrentCulture.TextInfo.ANSICodePage, name);
            }
            if (int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out int codePage)) return CodePage(codePage, name);
            try { return Encoding.GetEncoding(key); }
            catch (ArgumentException)
            {
                throw new OutpostException("UnknownEncoding", OutpostErrorKind.InvalidArgument,
                    $"unknown encoding \"{name}\": use utf8, unicode, bigendianunicode, utf32, ascii, latin1, oem, ansi, a code page number or a .NET encoding name", name);
            }
        }

        private static Encoding CodePage(int codePage, string name)
        {
            try { return Encoding.GetEncoding(codePage); }
            catch (Exception e) when (e is ArgumentException || e is NotSupportedException)
            {
                throw new OutpostException("UnknownEncoding", OutpostErrorKind.InvalidArgument,
                    $"encoding \"{name}\" (code page {codePage}) is not available on this system", name, e);
            }
        }
    }
}
