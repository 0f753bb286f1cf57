using System;

namespace Outpost.Core.Protocol
{
    /// <summary>
    /// A job file name, <c>&lt;stem&gt;.&lt;ext&gt;</c>, split at the LAST dot. Because a label may not hold a
    /// dot, <c>&lt;stem&gt;.&lt;ext&gt;.&lt;anything&gt;</c> never parses: sidecar files can sit beside a job.
    /// </summary>
    public sealed class JobFileName
    {
        private JobFileName(Stem stem, string extension)
        {
            Stem = stem;
            Extension = extension;
        }

        public Stem Stem { get; }
        public string Extension { get; }
        public string Name => Stem.Text + "." + Extension;

        public static JobFileName Create(Stem stem, string extension)
        {
            if (!IsValidExtension(extension))
                throw new ArgumentException($"invalid extension \"{extension}\": expected letters and digits, no dots", nameof(extension));
            return new JobFileName(stem, extension);
        }

        /// <summary>Parses a name as the responder's inbox scan does; false for anything v1 would skip.</summary>
        public static bool TryParse(string name, out JobFileName? job)
        {
            job = null;
            if (IsTemporary(name) || name == Wire.StatusFile) return false;
            int dot = name.LastIndexOf('.');
            if (dot <= 0 || dot == name.Length - 1) return false;
            string ext = name.Substring(dot + 1);
            if (!IsValidExtension(ext) || !Stem.TryParse(name.Substring(0, dot), out var stem)) return false;
            job = new JobFileName(stem!, ext);
            return true;
        }

        /// <summary>Temp files of an atomic write: names ending <c>.tmp</c> or holding <c>.tmp.</c>.</summary>
        public static bool IsTemporary(string name) =>
            name.EndsWith(Wire.TempSuffix, StringComparison.Ordinal) || name.IndexOf(".tmp.", StringComparison.Ordinal) >= 0;

        /// <summary>
        /// Extensions are what picks an interpreter; v1 takes any non-empty text after the last dot, but
        /// we only accept letters, digits, '_' and '-' so a name can never smuggle a path or a space.
        /// </summary>
        public static bool IsValidExtension(string? ext)
        {
            if (string.IsNullOrEmpty(ext) || ext!.Length > 32) return false;
            foreach (char c in ext)
            {
                if (!(char.IsLetterOrDigit(c) && c < 128) && c != '_' && c != '-') return false;
            }
            return true;
        }

        public override string ToString() => Name;
    }
}
