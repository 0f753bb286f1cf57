using System;
using System.Linq;

namespace Outpost.Core.Client
{
    /// <summary>
    /// A path on a target, as a user typed it, read with the target's rules rather than this host's: a
    /// Windows target takes '\' and '/' and drive letters, any other takes '/' only. A relative path is
    /// relative to the folder the target's ordinary jobs run in (its advertised <c>cwd</c>), so a copy finds
    /// what <c>Submit-OutpostJob -Command 'ls'</c> would list.
    /// </summary>
    public sealed class RemotePath
    {
        private RemotePath(string full, bool windows)
        {
            Full = full;
            IsWindows = windows;
        }

        /// <summary>The absolute path on the target, without trailing separators (a root keeps its own).</summary>
        public string Full { get; }
        public bool IsWindows { get; }

        /// <summary>The folder that holds the item; empty for a root.</summary>
        public string Parent
        {
            get
            {
                int cut = LastSeparator(Full);
                if (cut < 0) return "";
                string parent = Full.Substring(0, cut);
                // "/x" → "/", "C:\x" → "C:\": a root keeps its separator.
                return parent.Length == 0 || IsWindows && parent.Length == 2 && parent[1] == ':' ? Full.Substring(0, cut + 1) : parent;
            }
        }

        /// <summary>The last name (may hold * and ? wildcards); empty for a root.</summary>
        public string Leaf => LastSeparator(Full) is int cut && cut >= 0 ? Full.Substring(cut + 1) : "";

        public bool HasWildcards => Leaf.IndexOfAny(new[] { '*', '?' }) >= 0;

        /// <summary>The item inside this folder called <paramref name="name"/>.</summary>
        public string Child(string name) => Full.EndsWith(Separator, StringComparison.Ordinal) ? Full + name : Full + Separator + name;

        private string Separator => IsWindows ? "\\" : "/";

        /// <summary>Checks and resolves a path the user gave for a target.</summary>
        /// <param name="workingFolder">The target's advertised cwd; relative paths are refused without it.</param>
        /// <exception cref="OutpostException">Empty, several lines, a NUL, or relative with no folder to resolve it against.</exception>
        public static RemotePath Parse(string? given, bool windows, string? workingFolder)
        {
            string path = given ?? "";
            if (path.Trim().Length == 0)
                throw Invalid(path, "the path on the target is empty");
            if (path.Any(c => c == '\n' || c == '\r' || c == '\0'))
                throw Invalid(path, $"the path on the target \"{Transport.ShareAddress.Printable(path)}\" holds a line break or NUL");
            string full = path;
            if (!IsAbsolute(path, windows))
            {
                if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~\\", StringComparison.Ordinal))
                    throw Invalid(path, $"\"{path}\": '~' is not expanded on the target; give an absolute path, or one relative to the folder its jobs run in");
                if (string.IsNullOrEmpty(workingFolder))
                    throw Invalid(path, $"\"{path}\" is relative, and the target does not advertise the folder its jobs run in (cwd); give an absolute path");
                full = new RemotePath(Trim(workingFolder!, windows), windows).Child(path);
            }
            return new RemotePath(Trim(full, windows), windows);
        }

        public static bool IsAbsolute(string path, bool windows) =>
            windows
                ? path.Length >= 3 && char.IsLetter(path[0]) && path[1] == ':' && IsSeparator(path[2], true) || path.StartsWith("\\\\", StringComparison.Ordinal) || path.StartsWith("//", StringComparison.Ordinal)
                : path.StartsWith("/", StringComparison.Ordinal);

        private static string Trim(string path, bool windows)
        {
            int end = path.Length;
            while (end > 1 && IsSeparator(path[end - 1], windows) && !(windows && end == 3 && path[1] == ':')) end--;
            return path.Substring(0, end);
        }

        private int LastSeparator(string path)
        {
            for (int i = path.Length - 1; i >= 0; i--)
                if (IsSeparator(path[i], IsWindows)) return i;
            return -1;
        }

        private static bool IsSeparator(char c, bool windows) => c == '/' || windows && c == '\\';

        private static OutpostException Invalid(string path, string message) =>
            new OutpostException("InvalidRemotePath", OutpostErrorKind.InvalidArgument, message, path);

        public override string ToString() => Full;
    }
}
