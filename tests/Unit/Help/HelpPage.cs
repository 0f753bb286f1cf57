using System.Text.RegularExpressions;

namespace Outpost.Tests.Help
{
    /// <summary>
    /// A help page in docs/help read line by line (headings, fenced blocks, front matter), independently of
    /// the converter, so the tests check the markdown itself and not the converter's reading of it.
    /// </summary>
    public sealed class HelpPage
    {
        private static readonly Regex Heading = new Regex(@"^(#{1,6})\s+(.*?)\s*#*\s*$", RegexOptions.CultureInvariant);

        private HelpPage(string file) => File = file;

        /// <summary>The page's path, as messages show it.</summary>
        public string File { get; }
        public Dictionary<string, string> FrontMatter { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        public bool HasFrontMatter { get; private set; }
        /// <summary>The "# Verb-Noun" title, or null.</summary>
        public string? Title { get; private set; }
        public List<Node> Nodes { get; } = new List<Node>();

        public abstract class Node
        {
            public int Line { get; init; }
        }

        public sealed class HeadingNode : Node
        {
            public int Level { get; init; }
            public string Text { get; init; } = "";
        }

        public sealed class FenceNode : Node
        {
            public string Info { get; init; } = "";
            public string Text { get; init; } = "";
        }

        public sealed class TextNode : Node
        {
            public string Text { get; init; } = "";
        }

        public static HelpPage Load(string path) => Parse(path, System.IO.File.ReadAllText(path));

        public static HelpPage Parse(string file, string text)
        {
            var page = new HelpPage(file);
            string[] lines = text.Replace("\r\n", "\n").Split('\n');
            int i = 0;
            if (lines.Length > 0 && lines[0].Trim() == "---")
            {
                page.HasFrontMatter = true;
                for (i = 1; i < lines.Length && lines[i].Trim() != "---"; i++)
                {
                    int colon = lines[i].IndexOf(':');
                    if (colon > 0) page.FrontMatter[lines[i].Substring(0, colon).Trim()] = lines[i].Substring(colon + 1).Trim();
                }
                i++;
            }
            for (; i < lines.Length; i++)
            {
                string line = lines[i];
                if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
                {
                    int start = i;
                    string info = line.Trim().Substring(3).Trim();
                    var body = new List<string>();
                    for (i++; i < lines.Length && !lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal); i++) body.Add(lines[i]);
                    page.Nodes.Add(new FenceNode { Line = start + 1, Info = info, Text = string.Join("\n", body) });
                    continue;
                }
                var heading = Heading.Match(line);
                if (heading.Success)
                {
                    var node = new HeadingNode { Line = i + 1, Level = heading.Groups[1].Length, Text = heading.Groups[2].Value };
                    page.Nodes.Add(node);
                    if (node.Level == 1 && page.Title == null) page.Title = node.Text;
                    continue;
                }
                if (line.Trim().Length > 0) page.Nodes.Add(new TextNode { Line = i + 1, Text = line.Trim() });
            }
            return page;
        }

        /// <summary>The "## NAME" heading of a section, or null.</summary>
        public HeadingNode? SectionHeading(string name) =>
            Nodes.OfType<HeadingNode>().FirstOrDefault(h => h.Level == 2 && h.Text == name);

        /// <summary>The nodes of a "## NAME" section, up to the next heading of level 1 or 2.</summary>
        public List<Node> Section(string name)
        {
            var heading = SectionHeading(name);
            if (heading == null) return new List<Node>();
            return Nodes.SkipWhile(n => n != heading).Skip(1)
                .TakeWhile(n => !(n is HeadingNode h && h.Level <= 2)).ToList();
        }

        /// <summary>Splits a section at its "### " headings: each heading with the nodes under it.</summary>
        public List<(HeadingNode Heading, List<Node> Body)> Subsections(string section)
        {
            var result = new List<(HeadingNode, List<Node>)>();
            foreach (var node in Section(section))
            {
                if (node is HeadingNode { Level: 3 } h) result.Add((h, new List<Node>()));
                else if (result.Count > 0) result[result.Count - 1].Item2.Add(node);
            }
            return result;
        }

        /// <summary>The SYNTAX subsections: set name (without "(Default)"), whether it is marked default, its code.</summary>
        public List<SyntaxEntry> Syntax() => Subsections("SYNTAX").Select(s =>
        {
            string name = s.Heading.Text;
            bool isDefault = name.EndsWith("(Default)", StringComparison.Ordinal);
            if (isDefault) name = name.Substring(0, name.Length - "(Default)".Length).Trim();
            string? code = s.Body.OfType<FenceNode>().FirstOrDefault()?.Text;
            return new SyntaxEntry(name, isDefault, code, s.Heading.Line);
        }).ToList();

        /// <summary>The "### -Name" sections of PARAMETERS with their ```yaml blocks.</summary>
        public List<DocumentedParameter> Parameters() => Subsections("PARAMETERS")
            .Where(s => s.Heading.Text.StartsWith("-", StringComparison.Ordinal))
            .Select(s => new DocumentedParameter(s.Heading.Text.Substring(1), s.Heading.Line,
                s.Body.OfType<FenceNode>().Where(f => f.Info == "yaml").Select(ParameterYaml.Parse).ToList(),
                s.Body.OfType<TextNode>().Any()))
            .ToList();

        /// <summary>The "### Example" subsections of EXAMPLES with their ```powershell blocks.</summary>
        public List<(HeadingNode Heading, List<FenceNode> Code)> Examples() => Subsections("EXAMPLES")
            .Select(s => (s.Heading, s.Body.OfType<FenceNode>().Where(f => f.Info.Equals("powershell", StringComparison.OrdinalIgnoreCase)).ToList()))
            .ToList();

        public string Where(int line) => $"{File}:{line}";
    }

    public sealed record SyntaxEntry(string SetName, bool IsDefault, string? Code, int Line)
    {
        private static readonly Regex ParameterToken = new Regex(@"(?<![\w-])-([A-Za-z][A-Za-z0-9]*)", RegexOptions.CultureInvariant);

        /// <summary>The -Names the syntax line shows.</summary>
        public IReadOnlyList<string> ParameterNames => Code == null
            ? Array.Empty<string>()
            : ParameterToken.Matches(Code).Select(m => m.Groups[1].Value).ToList();
    }

    public sealed record DocumentedParameter(string Name, int Line, List<ParameterYaml> Yaml, bool HasDescription);

    /// <summary>One ```yaml block of a parameter, as platyPS writes it.</summary>
    public sealed class ParameterYaml
    {
        public int Line { get; private init; }
        public Dictionary<string, string> Values { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        public static ParameterYaml Parse(HelpPage.FenceNode fence)
        {
            var yaml = new ParameterYaml { Line = fence.Line };
            foreach (string line in fence.Text.Split('\n'))
            {
                int colon = line.IndexOf(':');
                if (colon > 0) yaml.Values[line.Substring(0, colon).Trim()] = line.Substring(colon + 1).Trim();
            }
            return yaml;
        }

        public string? this[string key] => Values.TryGetValue(key, out var v) ? v : null;

        public static IReadOnlyList<string> List(string? value) =>
            (value ?? "").Split(',').Select(s => s.Trim()).Where(s => s.Length > 0).ToList();

        /// <summary>The sets the block covers; null for (All).</summary>
        public IReadOnlyList<string>? Sets => this["Parameter Sets"] is "(All)" or CmdletContract.AllSets ? null : List(this["Parameter Sets"]);
    }
}
