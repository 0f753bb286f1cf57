using System.IO;
using System.Linq;
using Outpost.Core;
using Outpost.Core.Config;
using Outpost.Core.Toml;
using Outpost.Tests.Support;

namespace Outpost.Tests.Config
{
    public class TargetRegistryTests
    {
        [Fact]
        public void Explicit_entries_scan_default_and_relative_paths()
        {
            using var folder = new TempFolder();
            Directory.CreateDirectory(folder.Combine("targets", "linux-arm64"));
            File.WriteAllText(folder.Combine("targets", "linux-arm64", "outpost.toml"), "[responder]\nname = \"a\"\n");
            Directory.CreateDirectory(folder.Combine("targets", "vm-tests"));
            File.WriteAllText(folder.Combine("targets", "vm-tests", "outpost.toml"), "");
            Directory.CreateDirectory(folder.Combine("targets", "Bad Name"));
            File.WriteAllText(folder.Combine("targets", "Bad Name", "outpost.toml"), "");
            Directory.CreateDirectory(folder.Combine("targets", "no-config"));
            File.WriteAllText(folder.Combine("targets.toml"),
                "default = \"vm-tests\"\nscan = [\"targets\", \"missing\"]\n[target.vm-tests]\ntransport = \"file\"\npath = \"/mnt/vm\"\nexpected_name = \"vm-win11-a\"\n");
            var registry = TargetRegistry.Load(folder.Combine("targets.toml"));
            Assert.Equal(new[] { "vm-tests", "linux-arm64" }, registry.Targets.Select(t => t.Name));
            var vm = registry.Resolve("vm-tests");
            Assert.Equal("/mnt/vm", vm.Path);                    // explicit wins over the scanned folder of the same name
            Assert.Equal("vm-win11-a", vm.ExpectedName);
            Assert.Equal(folder.Combine("targets", "linux-arm64", "share"), registry.Resolve("linux-arm64").Path);
            Assert.Same(vm, registry.Resolve(null));             // the default
            Assert.Contains(registry.Warnings, w => w.Contains("Bad Name"));
            Assert.Contains(registry.Warnings, w => w.Contains("missing"));
        }

        [Fact]
        public void One_bad_entry_is_skipped_and_named_while_the_good_ones_serve()
        {
            using var folder = new TempFolder();
            File.WriteAllText(folder.Combine("targets.toml"),
                "[target.good]\npath = \"/a\"\n[target.remote]\ntransport = \"ssh\"\npath = \"x\"\n[target.nopath]\ntransport = \"file\"\n");
            var registry = TargetRegistry.Load(folder.Combine("targets.toml"));
            Assert.Equal("good", Assert.Single(registry.Targets).Name);
            var e = Assert.Throws<OutpostException>(() => registry.Resolve("remote"));
            Assert.Contains("transport \"ssh\" is not supported", e.Message);
            Assert.Contains("[target.remote]", e.Message);
            Assert.Contains(registry.Warnings, w => w.Contains("[target.nopath]") && w.Contains("no path"));
            Assert.Same(registry.Targets[0], registry.Resolve(null)); // exactly one target: it is the default
        }

        [Fact]
        public void A_malformed_file_is_an_error_naming_file_line_and_column()
        {
            using var folder = new TempFolder();
            File.WriteAllText(folder.Combine("targets.toml"), "[target.a]\npath = \"/x\"\npath2 \"oops\"\n");
            var e = Assert.Throws<OutpostException>(() => TargetRegistry.Load(folder.Combine("targets.toml")));
            Assert.Equal(OutpostErrorKind.InvalidData, e.Kind);
            Assert.Contains("targets.toml:3:7", e.Message);
        }

        [Fact]
        public void Unknown_names_list_the_known_ones()
        {
            using var folder = new TempFolder();
            File.WriteAllText(folder.Combine("targets.toml"), "[target.a]\npath = \"/a\"\n[target.b]\npath = \"/b\"\n");
            var registry = TargetRegistry.Load(folder.Combine("targets.toml"));
            var e = Assert.Throws<OutpostException>(() => registry.Resolve("c"));
            Assert.Equal(OutpostErrorKind.NotFound, e.Kind);
            Assert.Contains("known: a, b", e.Message);
            Assert.Throws<OutpostException>(() => registry.Resolve(null)); // two targets, no default
        }

        [Fact]
        public void OUTPOST_TARGETS_overrides_the_default_location_and_an_explicit_path_wins()
        {
            string? before = Environment.GetEnvironmentVariable("OUTPOST_TARGETS");
            try
            {
                Environment.SetEnvironmentVariable("OUTPOST_TARGETS", "/tmp/from-env.toml");
                Assert.Equal("/tmp/from-env.toml", ConfigPaths.TargetsFile());
                Assert.Equal("/tmp/explicit.toml", ConfigPaths.TargetsFile("/tmp/explicit.toml"));
            }
            finally { Environment.SetEnvironmentVariable("OUTPOST_TARGETS", before); }
        }
    }

    public class TargetsFileEditorTests
    {
        private const string UserFile =
            "# my targets\r\ndefault = \"vm\"   # the usual one\r\nscan = [ \"../targets\" ]\r\n\r\n" +
            "[target.vm]\r\ntransport   =   \"file\"  # spacing kept\r\npath = '/mnt/vm'\r\n\r\n" +
            "# the build box\r\n[target.build]\r\npath = \"/mnt/build\"\r\n\r\n[other]\r\nkeep = 1\r\n";

        [Fact]
        public void Changing_a_value_changes_only_that_value()
        {
            var editor = new TargetsFileEditor(UserFile);
            editor.SetTarget("vm", new Dictionary<string, string> { ["path"] = "/mnt/vm2" });
            Assert.Equal(UserFile.Replace("path = '/mnt/vm'", "path = \"/mnt/vm2\""), editor.ToString());
        }

        [Fact]
        public void Adding_a_key_inserts_one_line_after_the_tables_last_key()
        {
            var editor = new TargetsFileEditor(UserFile);
            editor.SetTarget("build", new Dictionary<string, string> { ["expected_name"] = "builder" });
            Assert.Equal(UserFile.Replace("path = \"/mnt/build\"\r\n", "path = \"/mnt/build\"\r\nexpected_name = \"builder\"\r\n"), editor.ToString());
        }

        [Fact]
        public void Adding_a_target_appends_it_and_keeps_everything_before()
        {
            var editor = new TargetsFileEditor(UserFile);
            editor.SetTarget("new-one", new Dictionary<string, string> { ["transport"] = "file", ["path"] = "C:\\share \"x\"" });
            string text = editor.ToString();
            Assert.StartsWith(UserFile, text);
            Assert.Equal("\r\n[target.new-one]\r\ntransport = \"file\"\r\npath = \"C:\\\\share \\\"x\\\"\"\r\n", text.Substring(UserFile.Length));
            var parsed = TomlReader.Instance.Parse(text);
            Assert.Equal("C:\\share \"x\"", ((TomlTable)((TomlTable)parsed["target"])["new-one"]).GetString("path"));
        }

        [Fact]
        public void Removing_a_target_keeps_the_comment_of_the_next_table()
        {
            var editor = new TargetsFileEditor(UserFile);
            Assert.True(editor.RemoveTarget("vm"));
            Assert.Equal("# my targets\r\ndefault = \"vm\"   # the usual one\r\nscan = [ \"../targets\" ]\r\n\r\n" +
                         "# the build box\r\n[target.build]\r\npath = \"/mnt/build\"\r\n\r\n[other]\r\nkeep = 1\r\n", editor.ToString());
        }

        [Fact]
        public void Default_is_changed_in_place_added_before_tables_and_removed()
        {
            var editor = new TargetsFileEditor(UserFile);
            editor.SetDefault("build");
            Assert.Equal(UserFile.Replace("default = \"vm\"   #", "default = \"build\"   #"), editor.ToString());
            editor.SetDefault(null);
            Assert.Equal(UserFile.Replace("default = \"vm\"   # the usual one\r\n", ""), editor.ToString());

            var bare = new TargetsFileEditor("[target.a]\npath = \"/a\"\n");
            bare.SetDefault("a");
            Assert.Equal("default = \"a\"\n\n[target.a]\npath = \"/a\"\n", bare.ToString());
        }

        [Fact]
        public void An_empty_file_gets_a_first_target_and_removing_it_leaves_a_valid_file()
        {
            var editor = new TargetsFileEditor("");
            editor.SetTarget("only", new Dictionary<string, string> { ["path"] = "/x" });
            Assert.Equal("[target.only]\npath = \"/x\"\n", editor.ToString());
            editor.RemoveTarget("only");
            Assert.Equal("", editor.ToString());
        }

        [Fact]
        public void Invalid_names_and_files_are_refused()
        {
            Assert.Throws<ArgumentException>(() => new TargetsFileEditor("").SetTarget("Bad Name", new Dictionary<string, string>()));
            Assert.Throws<TomlException>(() => new TargetsFileEditor("[target.a\n"));
        }
    }
}
