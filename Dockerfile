# syntax=docker/dockerfile:1.7
# The one image every role runs (k8s/ picks the role by environment):
#   docker build -t ai-pipeline:0.1.0 .
# Sizes and start times before and after the layers: docs/kubernetes.md, "The image".
# Debian 12 (bookworm) in both stages: its Tesseract 5.3 and Leptonica are the ones tess4j 5.14 is
# built and tested against (docs/domains.md, "OCR domain").

FROM debian:bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jdk-headless ca-certificates curl unzip zip \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
COPY src/ src/
# the Maven cache survives between builds (BuildKit); the wrapper downloads Maven into it too.
# -Pcluster: the jar without the embedded Kafka broker (a pod always uses a Kafka cluster); the tests
# are neither built nor run here (./bin/test runs them).
ENV MAVEN_USER_HOME=/cache/maven
RUN --mount=type=cache,target=/cache/maven ./mvnw -B -q -Dmaven.repo.local=/cache/maven/repository -Pcluster \
      -Dmaven.test.skip=true package \
 && cp target/ai-pipeline-cluster.jar /ai-pipeline.jar
# Spring Boot's layers, each one a layer of the image: dependencies (they change with the pom only),
# the loader, snapshot dependencies and the application (its classes and resources: what a code
# change rebuilds and a node pulls again). Then the natives of other platforms out of the dependencies.
RUN java -Djarmode=tools -jar /ai-pipeline.jar extract --layers --destination /layers \
 && src/main/docker/keep-linux-x64-natives /layers/dependencies/lib

FROM debian:bookworm-slim
# the JRE (openjdk's post-install needs the man folder that slim images leave out), Tesseract with
# English and Korean language data, and fonts for the labels vision.annotate draws
RUN mkdir -p /usr/share/man/man1 \
 && apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless \
      tesseract-ocr tesseract-ocr-eng tesseract-ocr-kor fontconfig fonts-dejavu-core ca-certificates \
 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /tmp --no-create-home --shell /usr/sbin/nologin app \
 && mkdir -p /var/lib/ai-pipeline \
 && chown app:app /var/lib/ai-pipeline
WORKDIR /app
# the default object detection model (app.vision.model), checked against app.vision.model-sha256,
# so pods need no download at start
ADD --chmod=644 --checksum=sha256:4903c9058f6e2553834e9905be1ae5d67e262cb6321964dbc57a49edc6fa10da \
    https://github.com/Megvii-BaseDetection/YOLOX/releases/download/0.1.1rc0/yolox_nano.onnx /app/models/yolox_nano.onnx
# least changing first; /app/ai-pipeline.jar finds its dependencies in /app/lib (its manifest's Class-Path)
COPY --from=build /layers/dependencies/ /app/
COPY --from=build /layers/spring-boot-loader/ /app/
COPY --from=build /layers/snapshot-dependencies/ /app/
COPY --from=build /layers/application/ /app/

# Tesseract: one OpenMP thread per page; the OCR pool gives the parallelism
ENV OMP_THREAD_LIMIT=1 \
    APP_DATA_DIR=/var/lib/ai-pipeline \
    APP_VISION_MODEL=/app/models/yolox_nano.onnx \
    HOME=/tmp \
    JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=60 -XX:+ExitOnOutOfMemoryError"
USER 10001:10001
EXPOSE 8080
# Kubernetes probes /livez and /readyz (k8s/); the image has no curl for a HEALTHCHECK of its own
COPY src/main/jvm/jvm.options /app/jvm.options
ENTRYPOINT ["java", "@/app/jvm.options", "-jar", "/app/ai-pipeline.jar"]
