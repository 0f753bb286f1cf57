using Outpost.Tests.Cmdlets;
using Outpost.Tests.Support;

namespace Outpost.Tests.Help
{
    /// <summary>Where the help lives: the markdown in docs/help and the generated files in the module's en-US folder.</summary>
    public static class HelpDocs
    {
        public static string Folder => Path.Combine(SharedMaterial.RepoRoot, "docs", "help");

        /// <summary>The pages that document a command: everything but about_ topics and README indexes.</summary>
        public static IEnumerable<string> CommandPageNames() =>
            Directory.GetFiles(Folder, "*.md").Select(Path.GetFileNameWithoutExtension).OfType<string>()
                .Where(n => !n.StartsWith("about_", StringComparison.OrdinalIgnoreCase) && !n.StartsWith("README", StringComparison.OrdinalIgnoreCase))
                .OrderBy(n => n, StringComparer.Ordinal);

        public static string PagePath(string name) => Path.Combine(Folder, name + ".md");

        /// <summary>A page, named in messages by its path from the repository root.</summary>
        public static HelpPage? Load(string name)
        {
            string path = PagePath(name);
            return File.Exists(path) ? HelpPage.Parse(Relative(path), File.ReadAllText(path)) : null;
        }

        public static HelpPage Parse(string name, string text) => HelpPage.Parse(Relative(PagePath(name)), text);

        public static string Relative(string path) => Path.GetRelativePath(SharedMaterial.RepoRoot, path).Replace('\\', '/');

        /// <summary>The MAML file Get-Help reads for the module's assembly: en-US/&lt;assembly file&gt;-Help.xml.</summary>
        public static string MamlPath(ModuleMetadata module) =>
            Path.Combine(module.ModuleFolder, "en-US", Path.GetFileName(module.Assembly.Location) + "-Help.xml");

        public static IReadOnlyList<CmdletContract> Contracts(ModuleMetadata module) =>
            module.Cmdlets.Select(c => CmdletContract.Read(module, c)).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
    }
}
