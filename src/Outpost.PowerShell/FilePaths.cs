using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using System.Linq;
using System.Management.Automation;
using Outpost.Core;

namespace Outpost.PowerShell
{
    /// <summary>
    /// The local paths of -Attachment, -CollectTo and -Destination as PowerShell reads a path: relative to the
    /// current location, through the provider (a PSDrive works), wildcards expanded as Copy-Item -Path does.
    /// Only FileSystem paths are taken: files travel, registry keys do not.
    /// </summary>
    internal static class FilePaths
    {
        /// <summary>Every file and folder the patterns name, each once; a path that names nothing fails the whole call (nothing is sent).</summary>
        /// <exception cref="OutpostException">AttachmentNotFound, AttachmentNotOnFileSystem or AttachmentNameConflict.</exception>
        public static IReadOnlyList<string> ResolveAttachments(PSCmdlet cmdlet, IEnumerable<string> given)
        {
            var found = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (string path in given)
                foreach (string full in ResolveOne(cmdlet, path))
                    if (seen.Add(full)) found.Add(full);
            // Each attachment lands under its own name in the job's folder: two with one name would collide there.
            var clash = Core.Files.BundleItem.FirstNameClash(found);
            if (clash != null)
                throw new OutpostException("AttachmentNameConflict", OutpostErrorKind.InvalidArgument,
                    $"two attachments are named \"{clash.Key}\" ({string.Join(", ", clash)}); each is staged under its own name in the job's folder, so rename one or put them in a folder and attach that", clash.Key);
            return found;
        }

        private static IEnumerable<string> ResolveOne(PSCmdlet cmdlet, string path)
        {
            Collection<string> resolved;
            ProviderInfo provider;
            try { resolved = cmdlet.GetResolvedProviderPathFromPSPath(path, out provider); }
            catch (Exception e) when (e is ItemNotFoundException || e is System.Management.Automation.DriveNotFoundException || e is ProviderNotFoundException)
            {
                return new[] { Literal(cmdlet, path) ?? throw NotFound(path, e) };
            }
            if (resolved.Count == 0) return new[] { Literal(cmdlet, path) ?? throw NotFound(path, null) };
            if (provider.Name != "FileSystem")
                throw new OutpostException("AttachmentNotOnFileSystem", OutpostErrorKind.InvalidArgument,
                    $"cannot attach '{path}': it is on the {provider.Name} provider; only files and folders can be attached", path);
            return resolved;
        }

        /// <summary>A name with [ ] that is not meant as a pattern (report[1].txt), taken as written when it exists so.</summary>
        private static string? Literal(PSCmdlet cmdlet, string path)
        {
            if (!WildcardPattern.ContainsWildcardCharacters(path)) return null;
            try
            {
                string literal = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
                return provider.Name == "FileSystem" && (File.Exists(literal) || Directory.Exists(literal)) ? literal : null;
            }
            catch (Exception e) when (e is System.Management.Automation.DriveNotFoundException || e is ProviderNotFoundException || e is PSArgumentException)
            {
                return null;
            }
        }

        private static OutpostException NotFound(string path, Exception? inner) =>
            new OutpostException("AttachmentNotFound", OutpostErrorKind.NotFound,
                WildcardPattern.ContainsWildcardCharacters(path)
                    ? $"cannot attach '{path}': no file or folder matches it; nothing was submitted"
                    : $"cannot attach '{path}': it does not exist; nothing was submitted", path, inner);

        /// <summary>A local folder to write into (need not exist yet), as a file-system path.</summary>
        /// <exception cref="OutpostException">DestinationNotOnFileSystem when it names another provider's item.</exception>
        public static string Folder(PSCmdlet cmdlet, string path, string parameter)
        {
            string full;
            ProviderInfo provider;
            try { full = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _); }
            catch (Exception e) when (e is System.Management.Automation.DriveNotFoundException || e is ProviderNotFoundException || e is PSArgumentException)
            {
                throw new OutpostException("DestinationNotFound", OutpostErrorKind.NotFound, $"{parameter} '{path}': {e.Message}", path, e);
            }
            if (provider.Name != "FileSystem")
                throw new OutpostException("DestinationNotOnFileSystem", OutpostErrorKind.InvalidArgument,
                    $"{parameter} '{path}' is on the {provider.Name} provider; files can only be written to a file-system folder", path);
            return full;
        }

        /// <summary>A target's name as one folder name (an unregistered share's name is its path).</summary>
        public static string FolderNameFor(string targetName)
        {
            var name = new System.Text.StringBuilder(targetName.Length);
            foreach (char c in targetName.Trim()) name.Append(c < ' ' || "<>:\"/\\|?*".IndexOf(c) >= 0 ? '_' : c);
            string text = name.ToString().Trim('.', ' ');
            return text.Length == 0 ? "_" : text;
        }
    }
}
