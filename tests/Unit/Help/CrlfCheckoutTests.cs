using System.Diagnostics;
using System.IO;
using Outpost.Tests.Support;

namespace Outpost.Tests.Help
{
    /// <summary>A CRLF checkout of docs/help (core.autocrlf on Windows) builds the same help as the LF one.</summary>
    public class CrlfCheckoutTests
    {
        private static string Build(string docs, string output)
        {
            string builder = Path.Combine(SharedMaterial.RepoRoot, "tools", "Outpost.HelpBuilder", "bin", "Debug", "net10.0", "Outpost.HelpBuilder.dll");
            if (!File.Exists(builder)) Assert.Skip($"the help builder is not built at {builder}: skipped");
            var info = new ProcessStartInfo("dotnet", $"\"{builder}\" \"{docs}\" \"{output}\"") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            using var process = Process.Start(info)!;
            string errors = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, errors);
            return output;
        }

        [Fact]
        public void Help_built_from_CRLF_pages_equals_help_built_from_LF_pages()
        {
            using var folder = new TempFolder();
            string lfDocs = folder.Combine("lf"), crlfDocs = folder.Combine("crlf");
            Directory.CreateDirectory(lfDocs);
            Directory.CreateDirectory(crlfDocs);
            foreach (string page in Directory.GetFiles(HelpDocs.Folder, "*.md"))
            {
                string text = File.ReadAllText(page).Replace("\r\n", "\n");
                File.WriteAllText(Path.Combine(lfDocs, Path.GetFileName(page)), text);
                File.WriteAllText(Path.Combine(crlfDocs, Path.GetFileName(page)), text.Replace("\n", "\r\n"));
            }
            string lf = Build(lfDocs, folder.Combine("out-lf"));
            string crlf = Build(crlfDocs, folder.Combine("out-crlf"));
            var files = Directory.GetFiles(Path.Combine(lf, "en-US")).Select(Path.GetFileName).OrderBy(n => n).ToList();
            Assert.NotEmpty(files);
            Assert.Equal(files, Directory.GetFiles(Path.Combine(crlf, "en-US")).Select(Path.GetFileName).OrderBy(n => n).ToList());
            foreach (string? name in files)
                Assert.Equal(File.ReadAllText(Path.Combine(lf, "en-US", name!)), File.ReadAllText(Path.Combine(crlf, "en-US", name!)));
        }
    }
}
