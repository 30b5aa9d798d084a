package ai.pipeline.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Dockerfile cannot be built here (no Docker engine), so its key lines are read: the jar is
 * built with the Maven wrapper and run as a non-root user on Debian 12 with Tesseract (eng, kor)
 * and one OpenMP thread; the image's user, data folder and model are the ones the manifests expect.
 */
class DockerfileTest {

    private static final Path DOCKERFILE = Path.of("Dockerfile");

    private record Instruction(int stage, String keyword, String arguments) {
    }

    private final List<Instruction> instructions = parse();

    @Test
    void buildsTheJarWithTheMavenWrapperAndRunsItInASecondStage() throws IOException {
        List<Instruction> froms = all("FROM");
        assertThat(froms).hasSize(2);
        assertThat(froms.get(0).arguments()).endsWith(" AS build");
        // the cluster jar: no embedded broker (the pom's profile "cluster")
        assertThat(all("RUN")).filteredOn(i -> i.stage() == 0).anySatisfy(run -> assertThat(run.arguments())
                .contains("./mvnw", "-Pcluster", "-Dmaven.test.skip=true", " package", "target/ai-pipeline-cluster.jar"));
        assertThat(Files.readString(Path.of("pom.xml"))).as("the jar's name").contains("<finalName>ai-pipeline</finalName>")
                .contains("<id>cluster</id>").contains("<finalName>ai-pipeline-cluster</finalName>");
        // the JVM options every way of running the application shares
        assertThat(all("COPY")).filteredOn(i -> i.stage() == 1).extracting(Instruction::arguments)
                .contains("src/main/jvm/jvm.options /app/jvm.options");
        assertThat(last("ENTRYPOINT").arguments()).isEqualTo("[\"java\", \"@/app/jvm.options\", \"-jar\", \"/app/ai-pipeline.jar\"]");
    }

    @Test
    void theImageHasSpringBootsLayersLeastChangingFirstWithOnlyLinuxX64Natives() {
        assertThat(all("RUN")).filteredOn(i -> i.stage() == 0).anySatisfy(run -> assertThat(run.arguments())
                .contains("-Djarmode=tools -jar /ai-pipeline.jar extract --layers --destination /layers")
                .contains("src/main/docker/keep-linux-x64-natives /layers/dependencies/lib"));
        assertThat(all("COPY")).filteredOn(i -> i.stage() == 1 && i.arguments().startsWith("--from=build "))
                .extracting(Instruction::arguments).containsExactly(
                        "--from=build /layers/dependencies/ /app/",
                        "--from=build /layers/spring-boot-loader/ /app/",
                        "--from=build /layers/snapshot-dependencies/ /app/",
                        "--from=build /layers/application/ /app/");
    }

    /**
     * The script the image build runs, on copies of the real jars: every native library keeps its
     * linux-x86_64 build and loses the others (skipped without Debian's zip, which the build stage installs).
     */
    @Test
    void theNativesOfOtherPlatformsLeaveTheJarsAndLinuxX64Stays(@TempDir Path lib) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/zip")), "no /usr/bin/zip (apt-get install zip)");
        Map<Class<?>, String> linuxX64 = Map.of(
                ai.onnxruntime.OrtEnvironment.class, "ai/onnxruntime/native/linux-x64/libonnxruntime.so",
                ai.djl.huggingface.tokenizers.HuggingFaceTokenizer.class, "native/lib/linux-x86_64/cpu/libtokenizers.so",
                com.github.luben.zstd.Zstd.class, "linux/amd64/libzstd-jni-",
                org.xerial.snappy.Snappy.class, "org/xerial/snappy/native/Linux/x86_64/libsnappyjava.so",
                com.sun.jna.Native.class, "com/sun/jna/linux-x86-64/libjnidispatch.so",
                net.sourceforge.tess4j.Tesseract.class, "net/sourceforge/tess4j/Tesseract.class",
                net.sourceforge.lept4j.Leptonica.class, "net/sourceforge/lept4j/Leptonica.class");
        for (Class<?> type : linuxX64.keySet()) {
            Path jar = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
            Files.copy(jar, lib.resolve(jar.getFileName()));
        }

        Process script = new ProcessBuilder("src/main/docker/keep-linux-x64-natives", lib.toString())
                .redirectErrorStream(true).start();
        String output = new String(script.getInputStream().readAllBytes());
        assertThat(script.waitFor()).as(output).isZero();

        Pattern otherPlatform = Pattern.compile("(?i).*(win32|win-|/win/|windows|osx|darwin|/mac/|aix|freebsd|openbsd|sunos|"
                + "dragonfly|aarch64|arm|ppc|s390|riscv|loongarch|mips).*\\.(so|dll|dylib|a|pdb|jnilib)$|.*\\.dSYM/.*");
        for (Map.Entry<Class<?>, String> library : linuxX64.entrySet()) {
            Path jar = lib.resolve(Path.of(library.getKey().getProtectionDomain().getCodeSource().getLocation().toURI()).getFileName());
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                List<String> entries = zip.stream().map(ZipEntry::getName).toList();
                assertThat(entries).as("%s keeps its linux-x86_64 build", jar.getFileName())
                        .anyMatch(e -> e.startsWith(library.getValue()));
                assertThat(entries).as("%s: natives of other platforms", jar.getFileName())
                        .noneMatch(e -> otherPlatform.matcher(e).matches());
            }
        }
    }

    @Test
    void theRuntimeIsDebian12WithTesseractEnglishAndKoreanAndAJre() {
        // tess4j 5.14 is tested against Debian 12's Tesseract and Leptonica (docs/domains.md, "OCR domain")
        assertThat(all("FROM").get(1).arguments()).isEqualTo("debian:bookworm-slim");
        List<String> packages = new ArrayList<>();
        all("RUN").stream().filter(i -> i.stage() == 1).forEach(run -> {
            Matcher install = Pattern.compile("apt-get install ([^&]+)").matcher(run.arguments());
            while (install.find()) {
                packages.addAll(List.of(install.group(1).trim().split("\\s+")));
            }
        });
        assertThat(packages).contains("tesseract-ocr", "tesseract-ocr-eng", "tesseract-ocr-kor", "openjdk-17-jre-headless");
    }

    @Test
    void tesseractRunsOneOpenMpThread() {
        assertThat(environment()).containsEntry("OMP_THREAD_LIMIT", "1");
    }

    @Test
    void theApplicationRunsAsTheNonRootUserThePodsRunAs() {
        String user = last("USER").arguments();
        assertThat(user).as("a numeric uid:gid, so Kubernetes can check runAsNonRoot").matches("[0-9]+:[0-9]+");
        long uid = Long.parseLong(user.substring(0, user.indexOf(':')));
        assertThat(uid).isPositive();
        for (String overlay : Manifests.overlays()) {
            for (Deployment deployment : KubernetesManifestsTest.rendered(overlay).deployments()) {
                assertThat(deployment.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsUser())
                        .as("%s in %s", deployment.getMetadata().getName(), overlay).isEqualTo(uid);
            }
        }
    }

    @Test
    void theImageCarriesTheDefaultModelWhereTheManifestsLookForIt() {
        Matcher add = Pattern.compile("--checksum=sha256:([0-9a-f]{64})\\s+(\\S+)\\s+(\\S+)$").matcher(last("ADD").arguments());
        assertThat(add.find()).as("ADD --checksum=sha256:<hash> <url> <path>").isTrue();
        assertThat(add.group(2)).as("app.vision.model").isEqualTo(AppProperties.value("app.vision.model"));
        assertThat(add.group(1)).as("app.vision.model-sha256").isEqualTo(AppProperties.value("app.vision.model-sha256"));
        String modelFile = add.group(3);

        Map<String, String> environment = environment();
        assertThat(environment).containsEntry("APP_VISION_MODEL", modelFile);
        for (String overlay : Manifests.overlays()) {
            assertThat(KubernetesManifestsTest.config(KubernetesManifestsTest.rendered(overlay))).as(overlay)
                    .containsEntry("APP_VISION_MODEL", modelFile)
                    .containsEntry("APP_DATA_DIR", environment.get("APP_DATA_DIR"));
        }
    }

    @Test
    void theBuildContextHoldsWhatTheBuildCopiesAndNothingBuiltOrLocal() throws IOException {
        List<String> rules = Files.readAllLines(Path.of(".dockerignore")).stream()
                .filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
        assertThat(rules).first().isEqualTo("*");
        assertThat(rules).contains("!mvnw", "!pom.xml", "!.mvn", "!src");
        assertThat(all("COPY")).filteredOn(i -> i.stage() == 0).extracting(Instruction::arguments)
                .containsExactly("mvnw pom.xml ./", ".mvn/ .mvn/", "src/ src/");
    }

    /** Every ENV of the runtime stage, KEY=value pairs (quoted values unquoted). */
    private Map<String, String> environment() {
        Map<String, String> environment = new LinkedHashMap<>();
        Pattern pair = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S+)");
        all("ENV").stream().filter(i -> i.stage() == 1).forEach(env -> {
            Matcher matcher = pair.matcher(env.arguments());
            while (matcher.find()) {
                environment.put(matcher.group(1), matcher.group(2).replaceAll("^\"|\"$", ""));
            }
        });
        return environment;
    }

    private List<Instruction> all(String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    private Instruction last(String keyword) {
        List<Instruction> found = all(keyword);
        assertThat(found).as(keyword).isNotEmpty();
        return found.get(found.size() - 1);
    }

    /** Instructions with their continuation lines joined, comments left out, numbered by build stage. */
    private static List<Instruction> parse() {
        List<String> lines;
        try {
            lines = Files.readAllLines(DOCKERFILE);
        } catch (IOException e) {
            throw new AssertionError("no Dockerfile in the project folder", e);
        }
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int stage = -1;
        for (String line : lines) {
            String trimmed = line.trim();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
                continue;
            }
            boolean continued = trimmed.endsWith("\\");
            current.append(continued ? trimmed.substring(0, trimmed.length() - 1) : trimmed).append(' ');
            if (!continued) {
                String text = current.toString().replaceAll("\\s+", " ").trim();
                String keyword = text.split(" ", 2)[0].toUpperCase();
                stage += keyword.equals("FROM") ? 1 : 0;
                instructions.add(new Instruction(stage, keyword, text.substring(keyword.length()).trim()));
                current.setLength(0);
            }
        }
        return instructions;
    }
}
