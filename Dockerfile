# Build: a static binary with the time-zone database embedded (time/tzdata),
# so the final image needs nothing but CA certificates.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
# .dockerignore lets in the Go sources only: never .env and its secrets.
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/steady ./cmd/steady

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/steady /steady
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/steady"]
CMD ["serve"]
