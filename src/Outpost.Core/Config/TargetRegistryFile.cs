using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Outpost.Core.Transport;

namespace Outpost.Core.Config
{
    /// <summary>Applies one edit to targets.toml on disk: read, edit in place, write atomically.</summary>
    public static class TargetRegistryFile
    {
        public static void Edit(string filePath, Action<TargetsFileEditor> edit)
        {
            string text = File.Exists(filePath) ? File.ReadAllText(filePath) : "";
            TargetsFileEditor editor;
            try { editor = new TargetsFileEditor(text); }
            catch (Toml.TomlException e)
            {
                throw new OutpostException("RegistryInvalid", OutpostErrorKind.InvalidData,
                    $"{e.Message} (fix {filePath} by hand first; it is left untouched)", filePath, e);
            }
            edit(editor);
            string folder = Path.GetDirectoryName(Path.GetFullPath(filePath))!;
            Directory.CreateDirectory(folder);
            AtomicFile.Write(filePath, new UTF8Encoding(false).GetBytes(editor.ToString()));
        }

        public static IEnumerable<KeyValuePair<string, string>> Fields(string? transport, string? path, string? expectedName)
        {
            if (transport != null) yield return new KeyValuePair<string, string>("transport", transport);
            if (path != null) yield return new KeyValuePair<string, string>("path", path);
            if (!string.IsNullOrEmpty(expectedName)) yield return new KeyValuePair<string, string>("expected_name", expectedName!);
        }
    }
}
